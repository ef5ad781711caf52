/*
 * Synthetic nightly history through the product: for each simulated night it
 * rewrites the documents of a web root (a CSL-shaped CSV list and an RSS feed;
 * other sources of the configuration stay as they are), sets the clock to that
 * night, 02:00 UTC, and runs rw_update -- the library call behind `regwatch
 * update` -- in this one process, so ten years of nights take seconds of
 * process start-up less than 3 650 separate runs of the program.
 *
 * usage: bench_history_gen CONFIG WWW FROM TO [SEED]
 *   CONFIG  feeds.conf whose data directory (regwatch.dataDir) receives the
 *           history; its sources read file://WWW/csl.csv and file://WWW/news.rss
 *   FROM TO nights [FROM, TO) are run; night 0 is 2016-12-01. The documents of a
 *           night depend only on the seed and the night, so a history can be
 *           continued by a later call (FROM = the previous TO).
 *
 * The list: every legal name and affiliate of the dictionary plus generated
 * entities (LIST_UNIVERSE in all), of which LIST_SIZE are listed at the start.
 * Each night 1% of the listed entries change: a listed entry is delisted or an
 * unlisted one is listed from that night. Every seventh night the feed gains an
 * item naming a vendor (the feed keeps its last 20 items).
 *
 * Prints one line: "nights N runs N ms_median X ms_p90 X ms_max X ms_last X",
 * the wall time of rw_update per night (ms_last: median of the last 50 nights).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "regwatch/archive.h"
#include "regwatch/config.h"
#include "regwatch/dates.h"
#include "regwatch/fetch.h"
#include "regwatch/parse.h"
#include "regwatch/update.h"

#define LIST_UNIVERSE 400
#define LIST_SIZE 200
#define NIGHT0 ((time_t)1480557600) /* 2016-12-01T02:00:00Z */
#define FEED_ITEMS 20

typedef struct entry {
	const char *name; /* owned by the dictionary, or by gen_names */
	int listed;
	char since[RW_DATE_LEN];
} entry;

typedef struct world {
	entry e[LIST_UNIVERSE];
	size_t n;
	size_t listed;
	rw_strvec gen_names;
	unsigned long long rng;
} world;

static unsigned long long next_rand(world *w)
{
	/* xorshift64* */
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 2685821657736338717ULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int world_init(world *w, const rw_dict *d, unsigned long long seed)
{
	size_t i, k;

	memset(w, 0, sizeof(*w));
	w->rng = seed ? seed : 1;
	for (i = 0; i < d->n && w->n < LIST_UNIVERSE / 2; i++) {
		const rw_vendor *v = &d->vendors[i];

		for (k = 0; k < v->names.n && w->n < LIST_UNIVERSE / 2; k++)
			w->e[w->n++].name = v->names.v[k];
		for (k = 0; k < v->affiliates.n && w->n < LIST_UNIVERSE / 2; k++)
			w->e[w->n++].name = v->affiliates.v[k];
	}
	for (i = 0; w->n < LIST_UNIVERSE; i++) {
		if (rw_strvec_push_owned(&w->gen_names, rw_asprintf("Generated Entity %zu Technology Co., Ltd.", i)) < 0)
			return -1;
		w->e[w->n++].name = w->gen_names.v[w->gen_names.n - 1];
	}
	/* The dictionary's names first, then generated ones, up to the starting list size. */
	for (i = 0; i < LIST_SIZE && i < w->n; i++) {
		w->e[i].listed = 1;
		snprintf(w->e[i].since, sizeof(w->e[i].since), "2016-05-16");
		w->listed++;
	}
	return 0;
}

/* One night's changes: 1% of the listed entries (at least one) flip. */
static void world_night(world *w, long night)
{
	size_t flips = (w->listed + 50) / 100, i;
	char today[RW_DATE_LEN];

	rw_date_from_time(NIGHT0 + (time_t)night * 86400, today);
	if (flips == 0)
		flips = 1;
	for (i = 0; i < flips; i++) {
		entry *e = &w->e[next_rand(w) % w->n];

		if (e->listed) {
			e->listed = 0;
			w->listed--;
		} else {
			e->listed = 1;
			memcpy(e->since, today, sizeof(e->since));
			w->listed++;
		}
	}
}

static int write_csl(rw_ctx *ctx, const world *w, const char *path)
{
	rw_buf b = RW_BUF_INIT;
	size_t i;
	int rc;

	rc = rw_buf_puts(&b, "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,"
			     "start_date,end_date,standard_order,license_requirement,license_policy,call_sign,"
			     "vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,"
			     "source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,"
			     "source_information_url,ids\r\n");
	for (i = 0; i < w->n && rc == 0; i++) {
		const char *q;

		if (!w->e[i].listed)
			continue;
		rc = rw_buf_printf(&b, "\"%08zx\",\"Entity List (EL) - Bureau of Industry and Security\",\"\",\"\",\"\",\"", i);
		for (q = w->e[i].name; rc == 0 && *q; q++)
			rc = *q == '"' ? rw_buf_puts(&b, "\"\"") : rw_buf_putc(&b, *q);
		if (rc == 0)
			rc = rw_buf_printf(&b, "\",\"\",\"Example Road %zu, Shenzhen, Guangdong, CN\",\"84 FR 22961\",\"%s\","
					       "\"\",\"\",\"For all items subject to the EAR.\",\"Presumption of denial\","
					       "\"\",\"\",\"\",\"\",\"\",\"\",\"\","
					       "\"https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/entity-list\","
					       "\"\",\"\",\"\",\"\",\"\",\"https://www.bis.doc.gov/index.php/policy-guidance/lists-of-"
					       "parties-of-concern/entity-list\",\"\"\r\n",
					   i, w->e[i].since);
	}
	if (rc == 0)
		rc = rw_write_file_atomic(ctx, path, b.data, b.len);
	else
		rc = rw_error(ctx, rc, "out of memory");
	rw_buf_release(&b);
	return rc;
}

/* The feed as it stands on `night`: its last FEED_ITEMS items, one every seventh night. */
static int write_feed(rw_ctx *ctx, long night, const char *path)
{
	static const char *const vendors[] = {"Hikvision", "Dahua", "Huawei", "ZTE", "Hytera"};
	rw_buf b = RW_BUF_INIT;
	long k, last = night / 7, first = last - FEED_ITEMS + 1;
	int rc;

	if (first < 0)
		first = 0;
	rc = rw_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n"
			     "<title>Federal Register: documents naming five vendors</title>\n"
			     "<link>https://www.federalregister.gov/documents/search</link>\n"
			     "<description>Generated feed</description>\n");
	for (k = last; k >= first && rc == 0; k--) {
		char when[RW_INSTANT_LEN];

		rw_instant_format(NIGHT0 + (time_t)k * 7 * 86400 - 3600, when);
		rc = rw_buf_printf(&b,
				   "<item>\n<title>Notice %ld on equipment produced by %s</title>\n"
				   "<link>https://www.federalregister.gov/documents/generated-%ld</link>\n"
				   "<description>&lt;p&gt;The Commission publishes notice %ld concerning %s.&lt;/p&gt;"
				   "</description>\n<dc:date xmlns:dc=\"http://purl.org/dc/elements/1.1/\">%s</dc:date>\n"
				   "<guid isPermaLink=\"false\">generated-%ld</guid>\n</item>\n",
				   k, vendors[k % 5], k, k, vendors[k % 5], when, k);
	}
	if (rc == 0)
		rc = rw_buf_puts(&b, "</channel>\n</rss>\n");
	if (rc == 0)
		rc = rw_write_file_atomic(ctx, path, b.data, b.len);
	else
		rc = rw_error(ctx, rc, "out of memory");
	rw_buf_release(&b);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	rw_ctx ctx;
	rw_feeds feeds;
	rw_dict dict;
	rw_regimes regimes;
	rw_buf dict_text = RW_BUF_INIT, regimes_text = RW_BUF_INIT;
	rw_update_opts uo;
	rw_update_result res;
	world *w = NULL;
	char *csl = NULL, *feed = NULL;
	double *ms = NULL;
	long from = 0, to = 0, seed = 42, night, runs = 0, nn = 0, lastn;
	int rc = 0, status = 1, have_feeds = 0, have_dict = 0, have_regimes = 0;

	if ((argc != 5 && argc != 6) || rw_parse_long(argv[3], 0, 100000, &from) < 0 ||
	    rw_parse_long(argv[4], from, 100000, &to) < 0 ||
	    (argc == 6 && rw_parse_long(argv[5], 1, 1000000000, &seed) < 0)) {
		fprintf(stderr, "usage: bench_history_gen CONFIG WWW FROM TO [SEED]\n");
		return 2;
	}
	rw_ctx_init(&ctx, NIGHT0);
	if (rw_fetch_global_init(&ctx) < 0 || rw_archive_global_init(&ctx) < 0) {
		fprintf(stderr, "bench_history_gen: %s\n", rw_errmsg(&ctx));
		return 1;
	}
	rw_parse_global_init();
	rc = rw_feeds_load(&ctx, &feeds, argv[1]);
	have_feeds = rc == 0;
	if (rc == 0 && feeds.data_dir == NULL)
		rc = rw_error(&ctx, RW_ECONFIG, "'%s' sets no regwatch.dataDir", argv[1]);
	if (rc == 0)
		rc = rw_dict_load(&ctx, &dict, feeds.vendors_path);
	have_dict = have_feeds && rc == 0;
	if (rc == 0)
		rc = rw_regimes_load(&ctx, &regimes, feeds.regimes_path, &dict);
	have_regimes = have_dict && rc == 0;
	if (rc == 0)
		rc = rw_read_file(&ctx, &dict_text, feeds.vendors_path, 16u << 20);
	if (rc == 0)
		rc = rw_read_file(&ctx, &regimes_text, feeds.regimes_path, 16u << 20);
	w = calloc(1, sizeof(*w));
	csl = rw_asprintf("%s/csl.csv", argv[2]);
	feed = rw_asprintf("%s/news.rss", argv[2]);
	ms = calloc((size_t)(to - from) + 1, sizeof(*ms));
	if (rc == 0 && (w == NULL || csl == NULL || feed == NULL || ms == NULL || world_init(w, &dict, (unsigned long long)seed) < 0))
		rc = rw_error(&ctx, RW_ENOMEM, "out of memory");
	if (rc < 0)
		goto out;
	memset(&uo, 0, sizeof(uo));
	uo.data_dir = feeds.data_dir;
	uo.feeds = &feeds;
	uo.dict = &dict;
	uo.regimes = &regimes;
	uo.dict_text = rw_buf_cstr(&dict_text);
	uo.dict_len = dict_text.len;
	uo.regimes_text = rw_buf_cstr(&regimes_text);
	uo.regimes_len = regimes_text.len;
	for (night = 0; night < to && rc == 0; night++) {
		double t0;

		if (night > 0)
			world_night(w, night);
		if (night < from)
			continue;
		rc = write_csl(&ctx, w, csl);
		if (rc == 0)
			rc = write_feed(&ctx, night, feed);
		if (rc < 0)
			break;
		ctx.now = NIGHT0 + (time_t)night * 86400;
		t0 = now_s();
		rc = rw_update(&ctx, &uo, &res);
		ms[nn++] = (now_s() - t0) * 1000.0;
		if (rc == 0 && res.run > 0)
			runs++;
		if (rc == 0 && (res.failed || res.quarantined))
			rc = rw_error(&ctx, RW_ERR, "night %ld: %zu source(s) failed, %zu quarantined", night, res.failed,
				      res.quarantined);
	}
	if (rc < 0)
		goto out;
	if (nn > 0) {
		double last;

		lastn = nn < 50 ? nn : 50;
		qsort(ms + nn - lastn, (size_t)lastn, sizeof(*ms), cmp_double);
		last = ms[nn - lastn + lastn / 2];
		qsort(ms, (size_t)nn, sizeof(*ms), cmp_double);
		printf("nights %ld runs %ld ms_median %.3f ms_p90 %.3f ms_max %.3f ms_last %.3f\n", nn, runs, ms[nn / 2],
		       ms[nn * 9 / 10], ms[nn - 1], last);
	} else {
		printf("nights 0 runs 0 ms_median 0 ms_p90 0 ms_max 0 ms_last 0\n");
	}
	status = fflush(stdout) == 0 ? 0 : 1;
out:
	if (rc < 0)
		fprintf(stderr, "bench_history_gen: %s\n", rw_errmsg(&ctx));
	if (w)
		rw_strvec_release(&w->gen_names);
	free(w);
	free(csl);
	free(feed);
	free(ms);
	rw_buf_release(&dict_text);
	rw_buf_release(&regimes_text);
	if (have_regimes)
		rw_regimes_release(&regimes);
	if (have_dict)
		rw_dict_release(&dict);
	if (have_feeds)
		rw_feeds_release(&feeds);
	rw_parse_global_cleanup();
	rw_archive_global_cleanup();
	rw_fetch_global_cleanup();
	return status;
}
