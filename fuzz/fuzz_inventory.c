/*
 * libFuzzer target for inventories: the input is a member's asset register
 * (CSV), read as check reads it and each asset matched to vendors through
 * the shipped dictionary (manufacturer, brand, OEM, model prefix, chipset).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/config.h"
#include "regwatch/inventory.h"

#define FUZZ_MAX_INPUT (1u << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	rw_dict dict;
} fz;

static void fuzz_teardown(void)
{
	rw_dict_release(&fz.dict);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	rw_ctx ctx;

	(void)argc;
	(void)argv;
	rw_ctx_init(&ctx, 0);
	if (rw_dict_load(&ctx, &fz.dict, RW_SOURCE_DIR "/db/vendors.conf") < 0)
		abort(); /* the shipped dictionary must load */
	atexit(fuzz_teardown);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rw_ctx ctx;
	rw_inventory inv;
	rw_asset_matcher *m = NULL;
	rw_asset_matches ms;
	size_t i;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	rw_ctx_init(&ctx, 1764381600); /* 2025-11-29T02:00:00Z */
	rw_inventory_init(&inv);
	if (rw_inventory_parse(&ctx, &inv, "fuzz.csv", (const char *)data, size) == 0 &&
	    rw_asset_matcher_new(&ctx, &m, &fz.dict) == 0) {
		for (i = 0; i < inv.n; i++) {
			memset(&ms, 0, sizeof(ms));
			(void)rw_asset_match_vendors(&ctx, m, &inv.v[i], "2025-11-29", &ms);
			rw_asset_matches_release(&ms);
		}
	}
	if (memchr(ctx.errmsg, '\0', sizeof(ctx.errmsg)) == NULL || strchr(ctx.errmsg, '\n') != NULL)
		abort();
	for (i = 0; i < inv.problems.n; i++)
		if (strchr(inv.problems.v[i], '\n') != NULL)
			abort(); /* each problem is one line */
	rw_asset_matcher_free(m);
	rw_inventory_release(&inv);
	return 0;
}
