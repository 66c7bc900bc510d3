/*
 * ct_trace: a QEMU TCG plugin (plugin API v1, as Debian's QEMU 7.2 loads it) for the
 * constant-time check on the target binary. Between a start marker and an end marker (a
 * "region"), it hashes the sequence of executed instruction addresses and, separately, the
 * sequence of data accesses (virtual address, load or store, access size). Two runs of an
 * operation on different secrets are constant time in this model when both hashes agree: same
 * instructions in the same order, same addresses read and written in the same order. (QEMU
 * models no timing: data-dependent instruction latency is out of scope.)
 *
 * QEMU 7.2 ships no <qemu-plugin.h>, so the API v1 declarations used are written out below
 * (they match include/qemu/qemu-plugin.h of QEMU 7.2, QEMU_PLUGIN_VERSION 1).
 *
 * Arguments (QEMU 7.2 syntax: -plugin ./ct_trace.so,arg=NAME=VALUE,...):
 *   start=0xADDR   address of the start marker (Thumb bit cleared)
 *   end=0xADDR     address of the end marker (Thumb bit cleared)
 *   out=PATH       output file (default: ct_trace.out)
 *   diff=A:B       also locate the first difference between region A and region B (0-based,
 *                  A < B): region A's event sequence is kept in memory and region B's is
 *                  compared with it as it runs
 *
 * Output: one line per region, "region K INSNS ACCESSES PC_HASH DATA_HASH" (hashes in hex),
 * counted after the start marker's first instruction (the rest of the start marker's body
 * is in the region, the same in every run) up to the end marker's first instruction
 * (excluded). With diff=A:B, one more line: either
 * "diff A B at EVENT: pc 0xPC (previous pc 0xPREV): A has KIND 0xX, B has KIND 0xY" (KIND is
 * pc, load or store; EVENT is the index in the region's merged event sequence), or
 * "diff A B none"; the regions after B are then neither hashed nor listed.
 *
 * Build: cc -O2 -shared -fPIC -o ct_trace.so ct_trace.c
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t; /* opaque here: we read none of it */
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef uint32_t qemu_plugin_meminfo_t;

enum qemu_plugin_cb_flags {
    QEMU_PLUGIN_CB_NO_REGS,
    QEMU_PLUGIN_CB_R_REGS,
    QEMU_PLUGIN_CB_RW_REGS,
};
enum qemu_plugin_mem_rw {
    QEMU_PLUGIN_MEM_R = 1,
    QEMU_PLUGIN_MEM_W,
    QEMU_PLUGIN_MEM_RW,
};

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_mem_cb_t)(unsigned int vcpu_index, qemu_plugin_meminfo_t info,
                                          uint64_t vaddr, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_mem_cb_t cb,
                                      enum qemu_plugin_cb_flags flags, enum qemu_plugin_mem_rw rw,
                                      void *userdata);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
bool qemu_plugin_mem_is_store(qemu_plugin_meminfo_t info);
unsigned int qemu_plugin_mem_size_shift(qemu_plugin_meminfo_t info);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);

QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

static uint64_t start_addr = UINT64_MAX, end_addr = UINT64_MAX;
static FILE *out;

/* The region being hashed: active between the markers. */
static int active;
static long region = -1;
static uint64_t insns, accesses, pc_hash, data_hash, last_pc, prev_pc;

/* The first-difference search (diff=A:B). */
static long diff_a = -1, diff_b = -1;
static uint64_t *kept;               /* region A's events */
static size_t kept_len, kept_cap, cursor;
static int diff_done;

/*
 * Event encoding for the difference search: an instruction is its address; a data access is
 * its address with bit 62 set, bit 61 for a store and its size shift in bits 56..59.
 */
#define EV_DATA (1ULL << 62)
#define EV_STORE (1ULL << 61)

/* One step of an order-sensitive 64-bit hash (a multiply-xorshift mix per element). */
static inline uint64_t mix(uint64_t h, uint64_t x)
{
    h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static void describe(char *buf, size_t n, uint64_t ev)
{
    if (ev == UINT64_MAX) snprintf(buf, n, "nothing (the region ended)");
    else if (ev & EV_DATA)
        snprintf(buf, n, "%s%u 0x%llx", (ev & EV_STORE) ? "store" : "load",
                 8u << ((ev >> 56) & 0xf), (unsigned long long)(ev & 0xffffffffULL));
    else snprintf(buf, n, "pc 0x%llx", (unsigned long long)ev);
}

static void report_diff(uint64_t ours)
{
    char a[64], b[64];
    uint64_t theirs = cursor < kept_len ? kept[cursor] : UINT64_MAX;
    describe(a, sizeof a, theirs);
    describe(b, sizeof b, ours);
    fprintf(out, "diff %ld %ld at %zu: pc 0x%llx (previous pc 0x%llx): %ld has %s, %ld has %s\n",
            diff_a, diff_b, cursor, (unsigned long long)last_pc, (unsigned long long)prev_pc,
            diff_a, a, diff_b, b);
    diff_done = 1;
}

static inline void event(uint64_t ev)
{
    if (region == diff_a) {
        if (kept_len == kept_cap) {
            kept_cap = kept_cap ? 2 * kept_cap : (1u << 20);
            kept = realloc(kept, kept_cap * sizeof *kept);
            if (!kept) {
                fprintf(stderr, "ct_trace: out of memory keeping region %ld\n", region);
                exit(2);
            }
        }
        kept[kept_len++] = ev;
    } else if (region == diff_b && !diff_done) {
        if (cursor >= kept_len || kept[cursor] != ev) report_diff(ev);
        cursor++;
    }
}

static void on_insn(unsigned int vcpu, void *udata)
{
    (void)vcpu;
    uint64_t pc = (uint64_t)(uintptr_t)udata;
    /* With diff=A:B, nothing after region B matters: the rest of the run goes unhashed. */
    if (diff_done) return;
    if (pc == start_addr) {
        region++;
        active = 1;
        insns = accesses = 0;
        pc_hash = 0x243f6a8885a308d3ULL;
        data_hash = 0x13198a2e03707344ULL;
        return;
    }
    if (!active) return;
    if (pc == end_addr) {
        active = 0;
        fprintf(out, "region %ld %llu %llu %016llx %016llx\n", region, (unsigned long long)insns,
                (unsigned long long)accesses, (unsigned long long)pc_hash,
                (unsigned long long)data_hash);
        if (region == diff_b && !diff_done) {
            if (cursor < kept_len) report_diff(UINT64_MAX);
            else {
                fprintf(out, "diff %ld %ld none\n", diff_a, diff_b);
                diff_done = 1;
            }
        }
        return;
    }
    insns++;
    prev_pc = last_pc;
    last_pc = pc;
    pc_hash = mix(pc_hash, pc);
    if (diff_a >= 0) event(pc);
}

static void on_mem(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
    (void)vcpu;
    (void)udata;
    if (!active || diff_done) return;
    uint64_t ev = EV_DATA | (vaddr & 0xffffffffULL) | ((uint64_t)(qemu_plugin_mem_size_shift(info) & 0xf) << 56);
    if (qemu_plugin_mem_is_store(info)) ev |= EV_STORE;
    accesses++;
    data_hash = mix(data_hash, ev);
    if (diff_a >= 0) event(ev);
}

static void on_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t va = qemu_plugin_insn_vaddr(insn);
        qemu_plugin_register_vcpu_insn_exec_cb(insn, on_insn, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)va);
        qemu_plugin_register_vcpu_mem_cb(insn, on_mem, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW, NULL);
    }
}

static void on_atexit(qemu_plugin_id_t id, void *udata)
{
    (void)id;
    (void)udata;
    if (diff_a >= 0 && !diff_done) fprintf(out, "diff %ld %ld incomplete\n", diff_a, diff_b);
    else if (!diff_done) fprintf(out, "regions %ld\n", region + 1);
    fclose(out);
    free(kept);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    (void)info;
    const char *path = "ct_trace.out";
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strncmp(a, "start=", 6)) start_addr = strtoull(a + 6, NULL, 0) & ~1ULL;
        else if (!strncmp(a, "end=", 4)) end_addr = strtoull(a + 4, NULL, 0) & ~1ULL;
        else if (!strncmp(a, "out=", 4)) path = a + 4;
        else if (!strncmp(a, "diff=", 5)) {
            char *colon;
            diff_a = strtol(a + 5, &colon, 10);
            if (*colon != ':' || (diff_b = strtol(colon + 1, NULL, 10)) <= diff_a || diff_a < 0) {
                fprintf(stderr, "ct_trace: diff=A:B needs 0 <= A < B, got %s\n", a + 5);
                return -1;
            }
        } else {
            fprintf(stderr, "ct_trace: unknown argument %s\n", a);
            return -1;
        }
    }
    out = fopen(path, "w");
    if (!out) {
        perror(path);
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_trans);
    qemu_plugin_register_atexit_cb(id, on_atexit, NULL);
    return 0;
}
