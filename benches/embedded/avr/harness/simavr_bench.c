/*
 * bulwark's AVR benchmark harness on libsimavr (simavr 1.6, cycle-accurate ATmega2560 core).
 *
 *   simavr_bench ELF start=ADDR end=ADDR [heap=ADDR] [mcu=atmega2560] [limit=CYCLES]
 *
 * Loads the firmware, runs it one instruction at a time and, whenever the program counter
 * reaches `start` (bench_start) or `end` (bench_end), records simavr's cycle counter. Between
 * the k-th start and end it also tracks the lowest stack pointer (peak stack, exact: simavr
 * gives SP after every instruction) and, over the whole run, whether SP ever went below `heap`
 * (`__heap_start`, the end of .data + .bss: a stack overflow into static data). The firmware's
 * writes to GPIOR1 (0x4A) are its console, copied to stdout; GPIOR0 (0x3E) holds its exit
 * status; it stops simavr by sleeping with interrupts off.
 *
 * Output, on stdout after the console text:
 *   mark K START_CYCLE END_CYCLE PEAK_STACK_BYTES     (one per start/end pair)
 *   result cycles=N status=S state=done|crashed|limit stack_min=ADDR overflow=0|1
 * Exit status: 0 if the firmware stopped by itself with status 0 and its stack stayed above
 * `heap`, 1 otherwise, 2 on a usage or load error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simavr/sim_avr.h>
#include <simavr/sim_elf.h>
#include <simavr/sim_io.h>

#define GPIOR0 0x3e
#define GPIOR1 0x4a
#define SPL 0x5d
#define SPH 0x5e
#define MAX_MARKS 256

static void console_write(avr_t *avr, avr_io_addr_t addr, uint8_t v, void *param)
{
	(void)param;
	avr->data[addr] = v;
	putchar(v);
}

static uint32_t parse(const char *arg, const char *key, uint32_t fallback)
{
	size_t n = strlen(key);
	if (strncmp(arg, key, n) == 0 && arg[n] == '=')
		return (uint32_t)strtoul(arg + n + 1, NULL, 0);
	return fallback;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s ELF start=ADDR end=ADDR [heap=ADDR] [mcu=NAME] "
		                "[limit=CYCLES]\n", argv[0]);
		return 2;
	}
	uint32_t start = 0, end = 0, heap = 0;
	uint64_t limit = 4000000000ull;
	const char *mcu = "atmega2560";
	for (int i = 2; i < argc; i++) {
		start = parse(argv[i], "start", start);
		end = parse(argv[i], "end", end);
		heap = parse(argv[i], "heap", heap);
		if (strncmp(argv[i], "limit=", 6) == 0)
			limit = strtoull(argv[i] + 6, NULL, 0);
		if (strncmp(argv[i], "mcu=", 4) == 0)
			mcu = argv[i] + 4;
	}
	if (start == 0 || end == 0) {
		fprintf(stderr, "start= and end= are required\n");
		return 2;
	}
	heap &= 0xffff; /* nm shows data addresses with avr-ld's 0x800000 offset */

	elf_firmware_t fw;
	memset(&fw, 0, sizeof fw);
	if (elf_read_firmware(argv[1], &fw) != 0) {
		fprintf(stderr, "cannot read %s\n", argv[1]);
		return 2;
	}
	strncpy(fw.mmcu, mcu, sizeof fw.mmcu - 1);
	fw.frequency = 16000000;
	avr_t *avr = avr_make_mcu_by_name(fw.mmcu);
	if (!avr) {
		fprintf(stderr, "simavr does not know %s\n", fw.mmcu);
		return 2;
	}
	avr_init(avr);
	avr->log = LOG_WARNING;
	avr_load_firmware(avr, &fw);
	avr_register_io_write(avr, GPIOR1, console_write, NULL);

	static uint64_t t0[MAX_MARKS], t1[MAX_MARKS];
	static uint16_t sp0[MAX_MARKS], spmin[MAX_MARKS];
	int n = 0, open = 0;
	uint16_t lowest = 0xffff, lo = 0xffff;
	int state = cpu_Running;
	uint32_t last[16] = {0};
	unsigned li = 0;
	for (;;) {
		last[li++ & 15] = avr->pc;
		state = avr_run(avr);
		if (state == cpu_Done || state == cpu_Crashed)
			break;
		uint16_t sp = (uint16_t)(avr->data[SPL] | (avr->data[SPH] << 8));
		if (sp < lo)
			lo = sp;
		uint32_t pc = avr->pc;
		if (pc == start && !open && n < MAX_MARKS) {
			t0[n] = avr->cycle;
			sp0[n] = sp;
			if (lo < lowest)
				lowest = lo;
			lo = sp;
			open = 1;
		} else if (pc == end && open) {
			t1[n] = avr->cycle;
			spmin[n] = lo;
			n++;
			open = 0;
		}
		if (avr->cycle > limit)
			break;
	}
	if (lo < lowest)
		lowest = lo;
	fflush(stdout);
	if (state == cpu_Crashed) {
		/* The last program counters (byte addresses; avr-objdump -d to read them). */
		fprintf(stderr, "crashed at pc=0x%x sp=0x%04x; last pcs:", avr->pc,
		        (unsigned)(avr->data[SPL] | (avr->data[SPH] << 8)));
		for (unsigned k = 0; k < 16; k++)
			fprintf(stderr, " 0x%x", last[(li + k) & 15]);
		fprintf(stderr, "\n");
	}
	for (int k = 0; k < n; k++)
		printf("mark %d %llu %llu %u\n", k, (unsigned long long)t0[k],
		       (unsigned long long)t1[k], (unsigned)(sp0[k] - spmin[k]));
	int overflow = heap != 0 && lowest < heap;
	const char *how = state == cpu_Done ? "done" : state == cpu_Crashed ? "crashed" : "limit";
	uint8_t status = avr->data[GPIOR0];
	printf("result cycles=%llu status=%u state=%s stack_min=0x%04x heap=0x%04x overflow=%d\n",
	       (unsigned long long)avr->cycle, status, how, lowest, heap, overflow);
	return (state == cpu_Done && status == 0 && !overflow) ? 0 : 1;
}
