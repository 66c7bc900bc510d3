/*
 * insn_count: a QEMU TCG plugin (plugin API v1, as Debian's QEMU 7.2 loads it) that counts
 * executed guest instructions exactly and, on Thumb-1 (Cortex-M0) code, an estimate of
 * Cortex-M0 cycles, and records both counters every time a marker address executes.
 *
 * QEMU 7.2 ships no <qemu-plugin.h>, so the few API v1 declarations used are written out
 * below (they match include/qemu/qemu-plugin.h of QEMU 7.2, QEMU_PLUGIN_VERSION 1).
 *
 * Arguments (QEMU 7.2 syntax: -plugin ./insn_count.so,arg=NAME=VALUE,...):
 *   start=0xADDR   address of bench_start (Thumb bit cleared)
 *   end=0xADDR     address of bench_end (Thumb bit cleared)
 *   out=PATH       output file (default: insn_count.out)
 *   cycles=m0      also estimate Cortex-M0 cycles (see m0_cost below)
 *   profile=PATH   also write a flat profile of every region to PATH (see below)
 *
 * Output: one line per marker execution, "start INSNS CYCLES" or "end INSNS CYCLES", where
 * the counters include every instruction executed before the marker's first instruction
 * (the marker instruction itself is counted after the record is taken), then a final line
 * "total INSNS CYCLES".
 *
 * Profile (profile=PATH): between each start marker and the following end marker (a region),
 * every executed instruction is counted at its own address; at the end marker the plugin
 * writes "region K", one line "ADDR EXECS CYCLES" (address in hex) per instruction executed
 * in the region, then "end K". EXECS sums to the region's instruction count (the start
 * marker's instruction included, the end marker's excluded, as for the counters above);
 * CYCLES is EXECS times the instruction's M0 cost plus 2 per taken conditional branch (0
 * without cycles=m0). Attributing addresses to functions is left to the caller (ELF symbols).
 *
 * Build: cc -O2 -shared -fPIC -o insn_count.so insn_count.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t; /* opaque here: we read none of it */
struct qemu_plugin_tb;
struct qemu_plugin_insn;

enum qemu_plugin_cb_flags {
    QEMU_PLUGIN_CB_NO_REGS,
    QEMU_PLUGIN_CB_R_REGS,
    QEMU_PLUGIN_CB_RW_REGS,
};
enum qemu_plugin_op {
    QEMU_PLUGIN_INLINE_ADD_U64,
};

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn, enum qemu_plugin_op op,
                                                void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);

QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

static uint64_t insns;   /* executed instructions (inline add, exact) */
static uint64_t cycles;  /* estimated Cortex-M0 cycles (only with cycles=m0) */
static uint64_t start_addr = UINT64_MAX, end_addr = UINT64_MAX;
static int estimate_m0;
static FILE *out;

/*
 * The profile: one record per instruction address, in an open-addressing table (a block
 * translated twice shares its records). `used` lists the occupied slots, so a region start
 * clears only those.
 */
struct pc_rec {
    uint64_t pc;
    uint64_t execs;  /* inline add, one per execution */
    uint64_t cost;   /* static M0 cost of one execution */
    uint64_t taken;  /* taken conditional branches (M0 estimate: +2 each) */
};
#define PROFILE_SLOTS (1u << 20)
static struct pc_rec *profile_table;
static uint32_t *profile_used;
static size_t profile_n;
static FILE *profile_out;
static long profile_region = -1;

static struct pc_rec *profile_rec(uint64_t pc)
{
    uint32_t i = (uint32_t)(((pc >> 1) * 0x9e3779b97f4a7c15ULL) >> 44) & (PROFILE_SLOTS - 1);
    for (uint32_t probes = 0; probes < PROFILE_SLOTS; probes++, i = (i + 1) & (PROFILE_SLOTS - 1)) {
        struct pc_rec *r = &profile_table[i];
        if (r->pc == pc) return r;
        if (r->pc == UINT64_MAX) {
            r->pc = pc;
            r->execs = r->cost = r->taken = 0;
            profile_used[profile_n++] = i;
            return r;
        }
    }
    fprintf(stderr, "insn_count: profile table full\n");
    exit(2);
}

static void profile_start(void)
{
    profile_region++;
    for (size_t k = 0; k < profile_n; k++) {
        profile_table[profile_used[k]].execs = 0;
        profile_table[profile_used[k]].taken = 0;
    }
}

static void profile_end(void)
{
    fprintf(profile_out, "region %ld\n", profile_region);
    for (size_t k = 0; k < profile_n; k++) {
        const struct pc_rec *r = &profile_table[profile_used[k]];
        if (r->execs)
            fprintf(profile_out, "%llx %llu %llu\n", (unsigned long long)r->pc, (unsigned long long)r->execs,
                    (unsigned long long)(r->execs * r->cost + 2 * r->taken));
    }
    fprintf(profile_out, "end %ld\n", profile_region);
}

/* Taken-branch detection: a conditional branch always ends a translation block, so the
 * next block to execute tells whether it was taken. */
static uint64_t pending_fallthrough; /* 0: the previous block did not end in a B<cond> */
static struct pc_rec *pending_branch; /* that B<cond>'s profile record (with profile=) */

struct tb_info {
    uint64_t start;
    uint64_t fallthrough; /* address after a final B<cond>, or 0 */
    struct pc_rec *branch; /* the final B<cond>'s profile record, or NULL */
};

/*
 * Cortex-M0 cycles per instruction, from the ARM Cortex-M0 Technical Reference Manual
 * (DDI 0432C, section 3.3, table 3-1), assuming zero-wait-state memory and the single-cycle
 * multiplier: data processing 1, MULS 1, single loads/stores 2, LDM/STM/PUSH 1+N,
 * POP 1+N (4+N with PC), B 3, B<cond> 1 (+2 if taken, added at run time), BL 4, BX/BLX 3,
 * MOV/ADD to PC 3, MSR/MRS/DMB/DSB/ISB 4. Returns 0 for a conditional branch's static cost
 * marker via *is_cond.
 */
static unsigned popcount8(unsigned v) { return (unsigned)__builtin_popcount(v & 0xff); }

static uint64_t m0_cost(const uint8_t *p, size_t size, int *is_cond)
{
    *is_cond = 0;
    uint16_t h = (uint16_t)(p[0] | (p[1] << 8));
    if (size == 4) {
        uint16_t h2 = (uint16_t)(p[2] | (p[3] << 8));
        if ((h & 0xf800) == 0xf000 && (h2 & 0xd000) == 0xd000) return 4; /* BL */
        return 4; /* MSR, MRS, DMB, DSB, ISB: all 4 */
    }
    if ((h & 0xc000) == 0x0000) return 1;                 /* shift, add, sub, mov, cmp imm */
    if ((h & 0xfc00) == 0x4000) return 1;                 /* data processing incl. MULS */
    if ((h & 0xff00) == 0x4700) return 3;                 /* BX, BLX */
    if ((h & 0xfc00) == 0x4400) {                         /* ADD/CMP/MOV high registers */
        unsigned op = (h >> 8) & 3, rd = (h & 7) | ((h >> 4) & 8);
        return (op != 1 && rd == 15) ? 3 : 1;             /* write to PC: a branch */
    }
    if ((h & 0xf800) == 0x4800) return 2;                 /* LDR literal */
    if ((h & 0xf000) == 0x5000) return 2;                 /* load/store register offset */
    if ((h & 0xe000) == 0x6000) return 2;                 /* LDR/STR(B) immediate */
    if ((h & 0xf000) == 0x8000) return 2;                 /* LDRH/STRH immediate */
    if ((h & 0xf000) == 0x9000) return 2;                 /* LDR/STR SP-relative */
    if ((h & 0xf000) == 0xa000) return 1;                 /* ADR, ADD Rd, SP, #imm */
    if ((h & 0xfe00) == 0xb400) return 1 + popcount8(h) + ((h >> 8) & 1); /* PUSH */
    if ((h & 0xfe00) == 0xbc00)                           /* POP (4+N with PC) */
        return ((h >> 8) & 1) ? 4 + popcount8(h) : 1 + popcount8(h);
    if ((h & 0xf000) == 0xb000) return 1;                 /* SP adjust, extend, REV, CPS, hints, BKPT */
    if ((h & 0xf000) == 0xc000) return 1 + popcount8(h);  /* LDM/STM */
    if ((h & 0xf000) == 0xd000) {
        unsigned cond = (h >> 8) & 0xf;
        if (cond == 0xf) return 1;                        /* SVC (exception entry not modelled) */
        if (cond == 0xe) return 1;                        /* UDF */
        *is_cond = 1;
        return 1;                                         /* B<cond> not taken; +2 if taken */
    }
    if ((h & 0xf800) == 0xe000) return 3;                 /* B */
    return 1;
}

static void on_marker(unsigned int vcpu, void *udata)
{
    (void)vcpu;
    fprintf(out, "%s %llu %llu\n", udata ? "end" : "start", (unsigned long long)insns,
            (unsigned long long)cycles);
    if (profile_out) {
        if (udata) profile_end();
        else profile_start();
    }
}

static void on_tb(unsigned int vcpu, void *udata)
{
    (void)vcpu;
    struct tb_info *info = udata;
    if (pending_fallthrough && info->start != pending_fallthrough) {
        cycles += 2;
        if (pending_branch) pending_branch->taken++;
    }
    pending_fallthrough = info->fallthrough;
    pending_branch = info->branch;
}

static void on_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    struct tb_info *info = NULL;
    if (estimate_m0) {
        info = calloc(1, sizeof *info); /* lives as long as the translation: never freed */
        info->start = qemu_plugin_tb_vaddr(tb);
        qemu_plugin_register_vcpu_tb_exec_cb(tb, on_tb, QEMU_PLUGIN_CB_NO_REGS, info);
    }
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t va = qemu_plugin_insn_vaddr(insn);
        /* The record callback first, so a marker's own instruction is not yet counted. */
        if (va == start_addr) qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker, QEMU_PLUGIN_CB_NO_REGS, NULL);
        if (va == end_addr) qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker, QEMU_PLUGIN_CB_NO_REGS, (void *)1);
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &insns, 1);
        struct pc_rec *rec = NULL;
        if (profile_out) {
            rec = profile_rec(va);
            qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &rec->execs, 1);
        }
        if (estimate_m0) {
            int is_cond;
            uint64_t c = m0_cost(qemu_plugin_insn_data(insn), qemu_plugin_insn_size(insn), &is_cond);
            qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &cycles, c);
            if (rec) rec->cost = c;
            if (is_cond && i == n - 1) {
                info->fallthrough = va + qemu_plugin_insn_size(insn);
                info->branch = rec;
            }
        }
    }
}

static void on_atexit(qemu_plugin_id_t id, void *udata)
{
    (void)id;
    (void)udata;
    fprintf(out, "total %llu %llu\n", (unsigned long long)insns, (unsigned long long)cycles);
    fclose(out);
    if (profile_out) fclose(profile_out);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    (void)info;
    const char *path = "insn_count.out", *profile_path = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strncmp(a, "start=", 6)) start_addr = strtoull(a + 6, NULL, 0) & ~1ULL;
        else if (!strncmp(a, "end=", 4)) end_addr = strtoull(a + 4, NULL, 0) & ~1ULL;
        else if (!strncmp(a, "out=", 4)) path = a + 4;
        else if (!strcmp(a, "cycles=m0")) estimate_m0 = 1;
        else if (!strncmp(a, "profile=", 8)) profile_path = a + 8;
        else {
            fprintf(stderr, "insn_count: unknown argument %s\n", a);
            return -1;
        }
    }
    out = fopen(path, "w");
    if (!out) {
        perror(path);
        return -1;
    }
    if (profile_path) {
        profile_table = malloc(PROFILE_SLOTS * sizeof *profile_table);
        profile_used = malloc(PROFILE_SLOTS * sizeof *profile_used);
        profile_out = fopen(profile_path, "w");
        if (!profile_table || !profile_used || !profile_out) {
            perror(profile_path);
            return -1;
        }
        memset(profile_table, 0xff, PROFILE_SLOTS * sizeof *profile_table); /* pc = UINT64_MAX: free */
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_trans);
    qemu_plugin_register_atexit_cb(id, on_atexit, NULL);
    return 0;
}
