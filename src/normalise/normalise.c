/* Records to state rows: vendor matching, interval merging, quarantine rules. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "regwatch/array.h"
#include "regwatch/dates.h"
#include "regwatch/normalise.h"

typedef struct name_entry {
	char *key;        /* normalised name */
	const char *id;   /* vendor id (owned by the dictionary) */
	int mention;      /* usable to find the vendor in free text */
} name_entry;

struct rw_matcher {
	name_entry *v;
	size_t n;
	size_t cap;
};

static int matcher_add(rw_matcher *m, const char *name, const char *id, int mention)
{
	char *key = rw_name_normalise(name);
	int rc;

	if (key == NULL)
		return RW_ENOMEM;
	if (key[0] == '\0') {
		free(key);
		return 0;
	}
	if ((rc = rw_array_grow((void **)&m->v, &m->cap, m->n + 1, sizeof(*m->v))) < 0) {
		free(key);
		return rc;
	}
	m->v[m->n].key = key;
	m->v[m->n].id = id;
	m->v[m->n].mention = mention;
	m->n++;
	return 0;
}

static int matcher_add_all(rw_matcher *m, const rw_strvec *names, const char *id, int mention)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < names->n && rc == 0; i++)
		rc = matcher_add(m, names->v[i], id, mention);
	return rc;
}

int rw_matcher_new(rw_ctx *ctx, rw_matcher **out, const rw_dict *dict)
{
	rw_matcher *m = calloc(1, sizeof(*m));
	size_t i;
	int rc = 0;

	if (m == NULL)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	for (i = 0; i < dict->n && rc == 0; i++) {
		const rw_vendor *v = &dict->vendors[i];

		rc = matcher_add(m, v->name, v->id, 1);
		if (rc == 0)
			rc = matcher_add_all(m, &v->names, v->id, 1);
		if (rc == 0)
			rc = matcher_add_all(m, &v->aliases, v->id, 1);
		if (rc == 0)
			rc = matcher_add_all(m, &v->affiliates, v->id, 0);
	}
	if (rc < 0) {
		rw_matcher_free(m);
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	}
	*out = m;
	return 0;
}

void rw_matcher_free(rw_matcher *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++)
		free(m->v[i].key);
	free(m->v);
	free(m);
}

static const char *match_exact(const rw_matcher *m, const char *name)
{
	char *key = rw_name_normalise(name);
	const char *id = NULL;
	size_t i;

	if (key == NULL)
		return NULL;
	for (i = 0; i < m->n && id == NULL; i++)
		if (strcmp(m->v[i].key, key) == 0)
			id = m->v[i].id;
	free(key);
	return id;
}

/* The name without its parenthesised parts ("Huawei Technologies Co., Ltd. (Huawei)") and
   without what follows a ';' ("...; and any successor, sub-unit, or subsidiary thereof"). */
static char *name_core(const char *name)
{
	size_t n = strcspn(name, ";"), i, o = 0;
	char *out = malloc(n + 1);
	int depth = 0;

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (name[i] == '(')
			depth++;
		else if (name[i] == ')' && depth > 0)
			depth--;
		else if (depth == 0)
			out[o++] = name[i];
	}
	out[o] = '\0';
	return out;
}

const char *rw_match_entity(const rw_matcher *m, const char *name)
{
	const char *id = match_exact(m, name);
	char *core;

	if (id != NULL)
		return id;
	core = name_core(name);
	if (core != NULL && strcmp(core, name) != 0)
		id = match_exact(m, core);
	free(core);
	return id;
}

int rw_match_mentions(const rw_matcher *m, const char *text, rw_strvec *ids)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < m->n && rc == 0; i++) {
		if (!m->v[i].mention || rw_strvec_contains(ids, m->v[i].id))
			continue;
		if (rw_text_mentions(text, m->v[i].key))
			rc = rw_strvec_push(ids, m->v[i].id);
	}
	rw_strvec_sort(ids);
	return rc;
}

/* Removes every row of table t whose column col equals value, moving them to removed (if not NULL). */
static int table_take(rw_table *t, size_t col, const char *value, rw_table *removed)
{
	size_t i, keep = 0;
	int rc = 0;

	for (i = 0; i < t->n; i++) {
		rw_row *r = &t->v[i];

		if (strcmp(r->f[col], value) == 0) {
			if (removed && rc == 0)
				rc = rw_table_add_row(removed, r);
			for (size_t j = 0; j < t->ncols; j++)
				free(r->f[j]);
		} else {
			t->v[keep++] = *r;
		}
	}
	t->n = keep;
	return rc;
}

/* The label of a category row: its first sentence, at most 120 bytes, cut at a word. */
static char *category_label(const char *text)
{
	size_t n = strcspn(text, ".;");

	if (n > 120) {
		n = 120;
		while (n > 60 && text[n] != ' ')
			n--;
	}
	while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == ','))
		n--;
	return rw_strndup(text, n);
}

/* 1 when one of the ";"-separated names in list starts with prefix (case-insensitive). */
static int list_matches(const char *list, const char *prefix, size_t n)
{
	const char *p = list;

	while (*p) {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncasecmp(p, prefix, n) == 0)
			return 1;
		p += strcspn(p, ";");
	}
	return 0;
}

/* The regime a list record belongs to: the first listRegime rule its list matches, else the
   source's regime; NULL when the record belongs to no followed regime. */
static const char *record_regime(const rw_source *src, const rw_record *r)
{
	size_t i;

	for (i = 0; r->list && i < src->list_regimes.n; i++) {
		const char *rule = src->list_regimes.v[i];
		const char *eq = strrchr(rule, '=');

		if (list_matches(r->list, rule, (size_t)(eq - rule)))
			return eq + 1;
	}
	return src->list_regimes.n && r->list ? NULL : src->regime;
}

/* Sorts t and keeps one row per (source, regime, ref): the first in sorted order. */
static void dedupe_keys(rw_table *t)
{
	size_t i, k, keep = 0;

	rw_table_sort(t);
	for (i = 0; i < t->n; i++) {
		if (keep > 0 && rw_row_equal(&t->v[keep - 1], &t->v[i], RW_L_REF + 1)) {
			for (k = 0; k < t->ncols; k++)
				free(t->v[i].f[k]);
			continue;
		}
		t->v[keep++] = t->v[i];
	}
	t->n = keep;
}

/* Candidate rows for a snapshot: one per list record, deduplicated by (regime, ref). */
static int snapshot_rows(rw_ctx *ctx, const rw_matcher *m, const rw_source *src, const rw_records *recs,
			 rw_table *cand, size_t *nrec)
{
	size_t i, j;
	int rc = 0;

	*nrec = 0;
	for (i = 0; i < recs->n && rc == 0; i++) {
		const rw_record *r = &recs->v[i];
		const char *f[RW_L_NCOLS];
		char *label = NULL, *ref = NULL;
		rw_buf note = RW_BUF_INIT;
		const char *vendor;

		const char *regime = r->kind == RW_REC_DOCUMENT ? NULL : record_regime(src, r);

		if (regime == NULL)
			continue;
		(*nrec)++;
		if (r->kind == RW_REC_ENTITY && r->entity && r->entity[0]) {
			vendor = rw_match_entity(m, r->entity);
			ref = rw_name_normalise(r->entity);
			f[RW_L_ENTITY] = r->entity;
		} else {
			vendor = NULL;
			label = category_label(r->title ? r->title : r->text ? r->text : "");
			ref = label ? rw_asprintf("category: %s", label) : NULL;
			f[RW_L_ENTITY] = label;
		}
		for (j = 0; j < r->updates.n && rc == 0; j++)
			rc = rw_buf_printf(&note, "%s%s", j ? ", " : "updated: ", r->updates.v[j]);
		if (rc == 0 && r->effective)
			rc = rw_buf_printf(&note, "%seffective: %s", note.len ? "; " : "", r->effective);
		if (r->date == NULL)
			rw_log(ctx, RW_LOG_WARN, "source '%s': entry '%s' has no date", src->name,
			       f[RW_L_ENTITY] ? f[RW_L_ENTITY] : "");
		f[RW_L_SOURCE] = src->name;
		f[RW_L_REGIME] = regime;
		f[RW_L_REF] = ref;
		f[RW_L_VENDOR] = vendor;
		f[RW_L_STATUS] = src->status ? src->status : "listed";
		f[RW_L_SINCE] = r->date;
		f[RW_L_UNTIL] = NULL;
		f[RW_L_EVIDENCE] = r->link ? r->link : src->url;
		f[RW_L_NOTE] = rw_buf_cstr(&note);
		if (rc == 0 && (ref == NULL || f[RW_L_ENTITY] == NULL))
			rc = RW_ENOMEM;
		if (rc == 0)
			rc = rw_table_add(cand, f);
		free(label);
		free(ref);
		rw_buf_release(&note);
	}
	if (rc < 0)
		return rw_error(ctx, rc, "source '%s': %s", src->name,
				rc == RW_ENOMEM ? "out of memory" : "a list row over the table's limits");
	dedupe_keys(cand);
	return 0;
}

/* The row for the same item (source, vendor, title, url), whatever its date; or -1. */
static long find_announcement(const rw_table *anns, const char *const *f)
{
	size_t i;

	for (i = 0; i < anns->n; i++) {
		char *const *o = anns->v[i].f;

		if (strcmp(o[RW_A_SOURCE], f[RW_A_SOURCE]) == 0 && strcmp(o[RW_A_VENDOR], f[RW_A_VENDOR]) == 0 &&
		    strcmp(o[RW_A_TITLE], f[RW_A_TITLE]) == 0 && strcmp(o[RW_A_URL], f[RW_A_URL]) == 0)
			return (long)i;
	}
	return -1;
}

/* Announcements for every document record that names a vendor. */
static int snapshot_announcements(rw_ctx *ctx, const rw_matcher *m, const rw_source *src,
				  const rw_records *recs, rw_table *anns, size_t *added)
{
	size_t i, j;
	int rc = 0;

	for (i = 0; i < recs->n && rc == 0; i++) {
		const rw_record *r = &recs->v[i];
		rw_strvec ids = RW_STRVEC_INIT;
		rw_buf text = RW_BUF_INIT;

		if (r->kind != RW_REC_DOCUMENT || r->title == NULL)
			continue;
		rc = rw_buf_printf(&text, "%s %s", r->title, r->text ? r->text : "");
		if (rc == 0)
			rc = rw_match_mentions(m, rw_buf_cstr(&text), &ids);
		for (j = 0; j < ids.n && rc == 0; j++) {
			const char *f[RW_A_NCOLS];

			f[RW_A_SOURCE] = src->name;
			f[RW_A_VENDOR] = ids.v[j];
			f[RW_A_DATE] = r->date ? r->date : "";
			f[RW_A_TITLE] = r->title;
			f[RW_A_URL] = r->link ? r->link : src->url;
			/* An item seen before stays as first recorded. */
			if (find_announcement(anns, f) >= 0)
				continue;
			rc = rw_table_add(anns, f);
			if (rc == 0)
				(*added)++;
		}
		rw_strvec_release(&ids);
		rw_buf_release(&text);
	}
	if (rc < 0)
		return rw_error(ctx, rc, "source '%s': %s", src->name,
				rc == RW_ENOMEM ? "out of memory" : "an announcement over the table's limits");
	return 0;
}

/* The row of t (sorted, one source) with r's regime and ref (and since, when with_since is 1;
   or with no end, when with_since is -1); -1 when there is none. */
static long find_key(const rw_table *t, const rw_row *r, int with_since)
{
	size_t lo = 0, hi = t->n, i;

	/* The first row whose (regime, ref) is not before r's. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const rw_row *o = &t->v[mid];
		int c = strcmp(o->f[RW_L_REGIME], r->f[RW_L_REGIME]);

		if (c == 0)
			c = strcmp(o->f[RW_L_REF], r->f[RW_L_REF]);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < t->n; i++) {
		const rw_row *o = &t->v[i];

		if (strcmp(o->f[RW_L_REGIME], r->f[RW_L_REGIME]) != 0 || strcmp(o->f[RW_L_REF], r->f[RW_L_REF]) != 0)
			break;
		if (with_since < 0 && o->f[RW_L_UNTIL][0] != '\0')
			continue;
		if (with_since <= 0 || strcmp(o->f[RW_L_SINCE], r->f[RW_L_SINCE]) == 0)
			return (long)i;
	}
	return -1;
}

/* The absence row of interval row r in t, or -1. */
static long find_absence(const rw_table *t, const rw_row *r)
{
	const char *key[3];

	key[RW_X_SOURCE] = r->f[RW_L_SOURCE];
	key[RW_X_REGIME] = r->f[RW_L_REGIME];
	key[RW_X_REF] = r->f[RW_L_REF];
	return rw_table_find(t, key, 3);
}

static long remove_after(const rw_source *src)
{
	return src->remove_after < 1 ? 1 : src->remove_after;
}

/*
 * One more healthy snapshot of its source without open interval p: counts it (once a day)
 * in the absence row x, or starts one. Returns 1 when the removal is now confirmed: p then
 * ends on the first absence and x is dropped. abs: the source's absence rows (taken out of
 * the state), kept: those still pending.
 */
static int count_absence(const rw_source *src, const char *today, rw_row *p, const rw_table *abs, rw_table *kept)
{
	long x = find_absence(abs, p);
	const char *f[RW_X_NCOLS];
	char count[24];
	long n = 1;

	f[RW_X_SOURCE] = p->f[RW_L_SOURCE];
	f[RW_X_REGIME] = p->f[RW_L_REGIME];
	f[RW_X_REF] = p->f[RW_L_REF];
	f[RW_X_FIRST] = today;
	if (x >= 0) {
		const rw_row *a = &abs->v[x];

		n = strtol(a->f[RW_X_COUNT], NULL, 10);
		if (strcmp(a->f[RW_X_LAST], today) != 0)
			n++;
		f[RW_X_FIRST] = a->f[RW_X_FIRST];
	}
	if (n >= remove_after(src)) {
		rw_str_replace(&p->f[RW_L_UNTIL], rw_strdup(f[RW_X_FIRST]));
		return p->f[RW_L_UNTIL] ? 1 : RW_ENOMEM;
	}
	snprintf(count, sizeof(count), "%ld", n);
	f[RW_X_LAST] = today;
	f[RW_X_COUNT] = count;
	return rw_table_add(kept, f);
}

int rw_normalise_unchanged(rw_ctx *ctx, const rw_source *src, const char *today, rw_state *state,
			   rw_norm_result *res)
{
	rw_table abs, kept;
	size_t i;
	int rc;

	memset(res, 0, sizeof(*res));
	rw_table_init(&abs, RW_X_NCOLS);
	rw_table_init(&kept, RW_X_NCOLS);
	rc = table_take(&state->absent, RW_X_SOURCE, src->name, &abs);
	for (i = 0; i < state->lines.n && rc == 0; i++) {
		rw_row *p = &state->lines.v[i];

		if (strcmp(p->f[RW_L_SOURCE], src->name) != 0 || p->f[RW_L_UNTIL][0] != '\0' ||
		    find_absence(&abs, p) < 0)
			continue;
		rc = count_absence(src, today, p, &abs, &kept);
		if (rc == 1) {
			res->ended++;
			rc = 0;
		} else if (rc == 0) {
			res->absent++;
		}
	}
	for (i = 0; i < kept.n && rc == 0; i++)
		rc = rw_table_add_row(&state->absent, &kept.v[i]);
	rw_table_sort(&state->lines);
	rw_table_sort(&state->absent);
	rw_table_release(&abs);
	rw_table_release(&kept);
	return rc < 0 ? rw_error(ctx, RW_ENOMEM, "out of memory") : 0;
}

int rw_normalise_list(rw_ctx *ctx, const rw_matcher *m, const rw_source *src, const rw_records *recs,
		      const char *today, rw_state *state, rw_norm_result *res)
{
	rw_table cand, prev, merged, abs, kept;
	size_t i, vanished = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	rw_table_init(&cand, RW_L_NCOLS);
	rw_table_init(&prev, RW_L_NCOLS);
	rw_table_init(&merged, RW_L_NCOLS);
	rw_table_init(&abs, RW_X_NCOLS);
	rw_table_init(&kept, RW_X_NCOLS);
	rc = snapshot_rows(ctx, m, src, recs, &cand, &res->records);
	if (rc < 0)
		goto out;
	for (i = 0; i < state->lines.n; i++) {
		const rw_row *p = &state->lines.v[i];

		if (strcmp(p->f[RW_L_SOURCE], src->name) != 0 || p->f[RW_L_UNTIL][0] != '\0')
			continue;
		res->prev_open++;
		/* Only what this snapshot newly drops counts against maxDrop. */
		if (find_key(&cand, p, 0) < 0 && find_absence(&state->absent, p) < 0)
			vanished++;
	}
	if (recs->degraded) {
		res->quarantine = 1;
		snprintf(res->reason, sizeof(res->reason),
			 "the document is damaged: it could be read only by recovering from errors");
		goto out;
	}
	if ((src->regime != NULL || src->list_regimes.n) && res->records == 0) {
		res->quarantine = 1;
		snprintf(res->reason, sizeof(res->reason), "snapshot has no list entries");
		goto out;
	}
	if (res->prev_open > 0 && (double)vanished > src->max_drop * (double)res->prev_open) {
		res->quarantine = 1;
		snprintf(res->reason, sizeof(res->reason),
			 "snapshot drops %zu of %zu listed entries at once (maxDrop %.2f)", vanished,
			 res->prev_open, src->max_drop);
		goto out;
	}
	rc = table_take(&state->lines, RW_L_SOURCE, src->name, &prev);
	if (rc == 0)
		rc = table_take(&state->absent, RW_X_SOURCE, src->name, &abs);
	rw_table_sort(&prev);
	/* Earlier intervals: a closed one stays closed unless the snapshot lists it again with
	   the same start; an open one takes the snapshot's row (an absence not yet confirmed
	   leaves no trace), or stays open and is counted absent until removeAfter snapshots
	   confirm the removal, when it ends on the first absence. */
	for (i = 0; i < prev.n && rc == 0; i++) {
		rw_row *p = &prev.v[i];
		int closed = p->f[RW_L_UNTIL][0] != '\0';
		long c = find_key(&cand, p, closed);

		if (c >= 0)
			continue; /* the snapshot's row replaces it below */
		if (!closed) {
			rc = count_absence(src, today, p, &abs, &kept);
			if (rc == 1)
				res->ended++;
			else if (rc == 0)
				res->absent++;
		}
		if (rc >= 0)
			rc = rw_table_add_row(&merged, p);
	}
	for (i = 0; i < kept.n && rc == 0; i++)
		rc = rw_table_add_row(&state->absent, &kept.v[i]);
	rw_table_sort(&state->absent);
	for (i = 0; i < cand.n && rc == 0; i++) {
		if (find_key(&prev, &cand.v[i], -1) < 0)
			res->added++;
		rc = rw_table_add_row(&merged, &cand.v[i]);
	}
	for (i = 0; i < merged.n && rc == 0; i++)
		rc = rw_table_add_row(&state->lines, &merged.v[i]);
	if (rc < 0) {
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	rw_table_sort(&state->lines);
	rc = snapshot_announcements(ctx, m, src, recs, &state->anns, &res->announcements);
	if (rc == 0)
		rw_table_sort(&state->anns);
out:
	rw_table_release(&cand);
	rw_table_release(&prev);
	rw_table_release(&merged);
	rw_table_release(&abs);
	rw_table_release(&kept);
	return rc;
}

int rw_normalise_baseline(rw_ctx *ctx, const rw_dict *dict, const rw_regimes *regimes, rw_state *state)
{
	size_t i;
	int rc;

	rc = table_take(&state->lines, RW_L_SOURCE, RW_BASELINE_SOURCE, NULL);
	for (i = 0; i < regimes->nevents && rc == 0; i++) {
		const rw_event *e = &regimes->events[i];
		const rw_vendor *v = rw_dict_find(dict, e->vendor);
		rw_buf note = RW_BUF_INIT;
		const char *f[RW_L_NCOLS];

		rc = rw_buf_puts(&note, e->citation ? e->citation : "");
		if (rc == 0 && e->confidence)
			rc = rw_buf_printf(&note, " [confidence %s]", e->confidence);
		if (rc == 0 && e->note)
			rc = rw_buf_printf(&note, "; %s", e->note);
		f[RW_L_SOURCE] = RW_BASELINE_SOURCE;
		f[RW_L_REGIME] = e->regime;
		f[RW_L_REF] = e->id;
		f[RW_L_VENDOR] = e->vendor;
		f[RW_L_ENTITY] = v ? v->name : e->vendor;
		f[RW_L_STATUS] = e->status;
		f[RW_L_SINCE] = e->since;
		f[RW_L_UNTIL] = e->until;
		f[RW_L_EVIDENCE] = e->evidence;
		f[RW_L_NOTE] = rw_buf_cstr(&note);
		if (rc == 0)
			rc = rw_table_add(&state->lines, f);
		rw_buf_release(&note);
	}
	if (rc < 0)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	rw_table_sort(&state->lines);
	return 0;
}
