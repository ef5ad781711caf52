/*
 * libFuzzer target for one document parser, chosen at build time with
 * FUZZ_FORMAT ("html-table", "rss", "atom", "xml" or "csv"): the input is a
 * fetched body, parsed with the production options and normalised against
 * the shipped vendor dictionary, as update does with a new snapshot.
 *
 * Built twice: with clang and -fsanitize=fuzzer (REGWATCH_FUZZ=ON), and
 * with replay.c as a plain program that runs the corpus under ctest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/config.h"
#include "regwatch/normalise.h"
#include "regwatch/parse.h"
#include "regwatch/state.h"

#ifndef FUZZ_FORMAT
#error "FUZZ_FORMAT names the parser under test"
#endif

#define FUZZ_MAX_INPUT (1u << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Loaded once: the dictionary, its matcher and the source the documents come from. */
static struct {
	rw_dict dict;
	rw_matcher *matcher;
	rw_source src;
} fz;

static void fuzz_teardown(void)
{
	rw_matcher_free(fz.matcher);
	rw_dict_release(&fz.dict);
	free(fz.src.name);
	free(fz.src.url);
	free(fz.src.format);
	free(fz.src.status);
	free(fz.src.regime);
	free(fz.src.table_header);
	rw_strvec_release(&fz.src.list_regimes);
	rw_parse_global_cleanup();
}

/* The source as feeds.conf ships it for this format. 0, or -1 when out of memory. */
static int source_for_format(rw_source *s)
{
	int rc = 0;

	memset(s, 0, sizeof(*s));
	s->name = rw_strdup("fuzz");
	s->url = rw_strdup("https://example.org/fuzz");
	s->format = rw_strdup(FUZZ_FORMAT);
	s->status = rw_strdup("listed");
	s->enabled = 1;
	s->max_bytes = FUZZ_MAX_INPUT;
	s->max_drop = 0.5;
	s->max_age_days = 7;
	s->timeout_ms = 60000;
	if (strcmp(FUZZ_FORMAT, "html-table") == 0) {
		s->regime = rw_strdup("us.fcc-covered-list");
		s->table_header = rw_strdup("Date of Inclusion on Covered List");
		if (s->regime == NULL || s->table_header == NULL)
			rc = -1;
	} else if (strcmp(FUZZ_FORMAT, "xml") == 0) {
		rc = rw_strvec_push(&s->list_regimes, "CMIC-EO13959=us.ns-cmic");
	} else if (strcmp(FUZZ_FORMAT, "csv") == 0) {
		rc = rw_strvec_push(&s->list_regimes, "Entity List (EL)=us.entity-list");
		if (rc == 0)
			rc = rw_strvec_push(&s->list_regimes,
					    "Non-SDN Chinese Military-Industrial Complex Companies List=us.ns-cmic");
	}
	if (s->name == NULL || s->url == NULL || s->format == NULL || s->status == NULL)
		rc = -1;
	return rc < 0 ? -1 : 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	rw_ctx ctx;

	(void)argc;
	(void)argv;
	rw_ctx_init(&ctx, 0);
	rw_parse_global_init();
	if (source_for_format(&fz.src) < 0 ||
	    rw_dict_load(&ctx, &fz.dict, RW_SOURCE_DIR "/db/vendors.conf") < 0 ||
	    rw_matcher_new(&ctx, &fz.matcher, &fz.dict) < 0)
		abort(); /* the shipped dictionary must load */
	atexit(fuzz_teardown);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rw_ctx ctx;
	rw_records recs = {0};
	rw_state state;
	rw_norm_result nr;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	rw_ctx_init(&ctx, 1764381600); /* 2025-11-29T02:00:00Z */
	rw_state_init(&state);
	if (rw_parse(&ctx, &fz.src, (const char *)data, size, &recs) == 0) {
		memset(&nr, 0, sizeof(nr));
		(void)rw_normalise_list(&ctx, fz.matcher, &fz.src, &recs, "2025-11-29", &state, &nr);
	}
	/* A message is always one terminated line. */
	if (memchr(ctx.errmsg, '\0', sizeof(ctx.errmsg)) == NULL || strchr(ctx.errmsg, '\n') != NULL)
		abort();
	rw_records_release(&recs);
	rw_state_release(&state);
	return 0;
}
