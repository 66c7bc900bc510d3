"""Shared pieces of the Rust the assembly generators write (gen_m0asm.py, gen_umaal.py,
gen_umaal_25519.py): the `asm!` template lines and the call that runs a block and returns
its output. Both return template text for `str.format` (literal braces doubled)."""


def asm_body(lines):
    """The lines as asm! template strings, the braces of register lists doubled."""
    body = "".join(f'            "{line}",\n' for line in lines)
    return body.replace("{", "{{").replace("}", "}}")


def asm_call(saved, operands, wrote):
    """The end of a generated function: the `unsafe` block that pushes `saved`, runs `{body}`
    with `operands` (Rust operand lines) and pops `saved`, then returns `t` as initialised
    (`wrote` says how much of it the block wrote, for the SAFETY comment)."""
    ops = "".join(f"            {op},\n" for op in operands)
    return (
        "    unsafe {{\n"
        "        core::arch::asm!(\n"
        f'            "push {{{{{{{{{saved}}}}}}}}}",\n'
        "{body}"
        f'            "pop {{{{{{{{{saved}}}}}}}}}",\n'
        f"{ops}"
        "        );\n"
        "    }}\n"
        f"    // SAFETY: the block above wrote {wrote} of `t`.\n"
        "    unsafe {{ t.assume_init() }}\n"
        "}}\n"
    )
