#!/usr/bin/env python3
"""aiocoap's OSCORE client against a bulwark OSCORE server (bulwark-oscore's interop test).

    python3 aiocoap_client.py CONTEXT_DIR PORT

CONTEXT_DIR holds aiocoap's FilesystemSecurityContext files for the client, written by the
test. Sends GET /hello, POST /echo "abc", PUT /echo (empty), GET /missing, and prints one line
per response: `CODE PAYLOAD` (the payload as Python bytes repr).
"""

import asyncio
import sys

import aiocoap


async def main(context_dir, port):
    ctx = await aiocoap.Context.create_client_context()
    base = "coap://127.0.0.1:%d/" % port
    ctx.client_credentials.load_from_dict({base + "*": {"oscore": {"contextfile": context_dir}}})
    for code, path, payload in [
        (aiocoap.GET, "hello", b""),
        (aiocoap.POST, "echo", b"abc"),
        (aiocoap.PUT, "echo", b""),
        (aiocoap.GET, "missing", b""),
    ]:
        request = aiocoap.Message(code=code, uri=base + path, payload=payload)
        response = await asyncio.wait_for(ctx.request(request).response, 10)
        print("%s %r" % (response.code, response.payload), flush=True)
    await ctx.shutdown()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
