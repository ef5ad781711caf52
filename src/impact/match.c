/* Matching assets to vendors: names, brands and OEM links, model prefixes and chipsets, through
   the dictionary, with a cache of the texts already matched. */
#include <stdlib.h>
#include <string.h>

#include "regwatch/array.h"
#include "regwatch/hmap.h"
#include "regwatch/inventory.h"
#include "regwatch/names.h"
#include "regwatch/strutil.h"

const char *rw_match_by_name(int by)
{
	static const char *const names[] = {"manufacturer", "brand", "oem", "model", "chipset"};

	return by >= 0 && by <= RW_BY_CHIPSET ? names[by] : "?";
}

enum key_kind { K_NAME, K_BRAND, K_OEM };

/* A name of the dictionary, prepared. */
typedef struct name_key {
	char *words;          /* " w1 w2 ": normalised, accents folded, spaces at both ends */
	const char *vendor;
	const char *name;     /* as the dictionary spells it */
	const char *what;     /* "name", "alias", "affiliate", "brand", "claimed brand", or the link's kind */
	int kind;             /* K_* */
	int possible;
	int whole_text;       /* 1: only the whole text may match (claimed names and links) */
	const rw_link *link;  /* time-bounded, or NULL */
} name_key;

/* A part-number or model prefix of the dictionary. */
typedef struct prefix_key {
	char *prefix;         /* normalised (chipsets) or upper case (models) */
	const char *vendor;
	const char *name;
	int possible;
} prefix_key;

/* A way an asset's text matches (cached per text, before link windows are applied). */
typedef struct cand {
	const char *vendor;
	int by;
	int possible;
	const char *column;
	const char *name;
	const char *what;
	const rw_link *link;
	const char *words;    /* the dictionary name's words (name matches), or NULL */
} cand;

typedef struct cand_span {
	size_t first;
	size_t n;
} cand_span;

struct rw_asset_matcher {
	const rw_dict *dict;
	name_key *names;
	size_t nnames, capnames;
	prefix_key *chips;
	size_t nchips, capchips;
	prefix_key *models;
	size_t nmodels, capmodels;
	rw_hmap cache;           /* "C\x1fTEXT" -> index in spans */
	rw_buf key;           /* scratch for cache keys */
	cand_span *spans;
	size_t nspans, capspans;
	cand *cands;
	size_t ncands, capcands;
};

/* " w1 w2 " for a name (accents folded, normalised); "" when nothing is left. */
static char *name_words(const char *s)
{
	char *folded = rw_name_fold_accents(s ? s : ""), *norm, *out;

	if (folded == NULL)
		return NULL;
	norm = rw_name_normalise(folded);
	free(folded);
	if (norm == NULL)
		return NULL;
	out = norm[0] ? rw_asprintf(" %s ", norm) : rw_strdup("");
	free(norm);
	return out;
}

static int add_name(rw_asset_matcher *m, const char *name, const char *vendor, const char *what, int kind,
		    int possible, const rw_link *link)
{
	char *w = name_words(name);
	name_key *k;

	if (w == NULL)
		return RW_ENOMEM;
	if (w[0] == '\0' || rw_array_grow((void **)&m->names, &m->capnames, m->nnames + 1, sizeof(*m->names)) < 0) {
		int rc = w[0] ? RW_ENOMEM : 0;

		free(w);
		return rc;
	}
	k = &m->names[m->nnames++];
	k->words = w;
	k->vendor = vendor;
	k->name = name;
	k->what = what;
	k->kind = kind;
	k->possible = possible;
	k->whole_text = possible || link != NULL;
	k->link = link;
	return 0;
}

static int add_names(rw_asset_matcher *m, const rw_strvec *sv, const char *vendor, const char *what, int kind,
		     int possible)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < sv->n && rc == 0; i++)
		rc = add_name(m, sv->v[i], vendor, what, kind, possible, NULL);
	return rc;
}

/*
 * A chipset part number in comparable form: upper case, without "HiSilicon", "Haisi",
 * "HiSi" or 海思, without blanks, hyphens, underscores and dots, and without a leading
 * "HI": "HiSilicon Hi3516 EV300" -> "3516EV300", "HK-2016-3" -> "HK20163".
 */
static char *chip_norm(const char *s, size_t n)
{
	static const char *const drop[] = {"HISILICON", "HAISI", "HISI", "\xE6\xB5\xB7\xE6\x80\x9D"};
	char *up = rw_strndup(s, n), *out;
	size_t i, k, o = 0;

	if (up == NULL)
		return NULL;
	for (i = 0; up[i]; i++)
		if (up[i] >= 'a' && up[i] <= 'z')
			up[i] = (char)(up[i] - 32);
	for (k = 0; k < sizeof(drop) / sizeof(drop[0]); k++) {
		char *p;
		size_t dl = strlen(drop[k]);

		while ((p = strstr(up, drop[k])) != NULL)
			memmove(p, p + dl, strlen(p + dl) + 1);
	}
	out = malloc(strlen(up) + 1);
	if (out == NULL) {
		free(up);
		return NULL;
	}
	for (i = 0; up[i]; i++)
		if (!strchr(" \t-_.", up[i]))
			out[o++] = up[i];
	out[o] = '\0';
	free(up);
	if (o >= 2 && out[0] == 'H' && out[1] == 'I')
		memmove(out, out + 2, o - 1);
	return out;
}

/* A part number looks like one: letters and digits only, 4 to 20 of them, 3 digits at least. */
static int chip_shape(const char *p)
{
	size_t n = 0, digits = 0;

	for (; *p; p++, n++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!(*p >= 'A' && *p <= 'Z'))
			return 0;
	}
	return n >= 4 && n <= 20 && digits >= 3;
}

static int add_prefix(prefix_key **v, size_t *n, size_t *cap, char *prefix, const char *vendor, const char *name,
		      int possible)
{
	prefix_key *k;

	if (prefix == NULL)
		return RW_ENOMEM;
	if (prefix[0] == '\0' || rw_array_grow((void **)v, cap, *n + 1, sizeof(**v)) < 0) {
		int rc = prefix[0] ? RW_ENOMEM : 0;

		free(prefix);
		return rc;
	}
	k = &(*v)[(*n)++];
	k->prefix = prefix;
	k->vendor = vendor;
	k->name = name;
	k->possible = possible;
	return 0;
}

static char *upper_copy(const char *s)
{
	char *u = rw_trimmed(s), *p;

	if (u)
		for (p = u; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 32);
	return u;
}

static int add_vendor_keys(rw_asset_matcher *m, const rw_vendor *v)
{
	size_t i;
	int rc;

	/* Aliases first: the short name a register uses is the likeliest to be reported. */
	rc = add_names(m, &v->aliases, v->id, "alias", K_NAME, 0);
	if (rc == 0)
		rc = add_name(m, v->name, v->id, "name", K_NAME, 0, NULL);
	if (rc == 0)
		rc = add_names(m, &v->names, v->id, "legal name", K_NAME, 0);
	if (rc == 0)
		rc = add_names(m, &v->affiliates, v->id, "affiliate", K_NAME, 0);
	if (rc == 0)
		rc = add_names(m, &v->brands, v->id, "brand", K_BRAND, 0);
	if (rc == 0)
		rc = add_names(m, &v->claimed_brands, v->id, "claimed brand", K_BRAND, 1);
	for (i = 0; i < v->chipsets.n && rc == 0; i++)
		rc = add_prefix(&m->chips, &m->nchips, &m->capchips, chip_norm(v->chipsets.v[i], strlen(v->chipsets.v[i])),
				v->id, v->chipsets.v[i], 0);
	for (i = 0; i < v->claimed_chipsets.n && rc == 0; i++)
		rc = add_prefix(&m->chips, &m->nchips, &m->capchips,
				chip_norm(v->claimed_chipsets.v[i], strlen(v->claimed_chipsets.v[i])), v->id,
				v->claimed_chipsets.v[i], 1);
	for (i = 0; i < v->models.n && rc == 0; i++)
		rc = add_prefix(&m->models, &m->nmodels, &m->capmodels, upper_copy(v->models.v[i]), v->id,
				v->models.v[i], 0);
	for (i = 0; i < v->claimed_models.n && rc == 0; i++)
		rc = add_prefix(&m->models, &m->nmodels, &m->capmodels, upper_copy(v->claimed_models.v[i]), v->id,
				v->claimed_models.v[i], 1);
	return rc;
}

int rw_asset_matcher_new(rw_ctx *ctx, rw_asset_matcher **out, const rw_dict *dict)
{
	rw_asset_matcher *m = calloc(1, sizeof(*m));
	size_t i, k;
	int rc = 0;

	*out = NULL;
	if (m == NULL)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	m->dict = dict;
	for (i = 0; i < dict->n && rc == 0; i++)
		rc = add_vendor_keys(m, &dict->vendors[i]);
	for (i = 0; i < dict->nlinks && rc == 0; i++) {
		const rw_link *l = &dict->links[i];
		int kind = strcmp(l->kind, "brand") == 0 ? K_BRAND
			   : strcmp(l->kind, "oem") == 0 || strcmp(l->kind, "white-label") == 0 ? K_OEM
												  : K_NAME;
		/* A successor bought the business: its products may still be the vendor's, never surely. */
		int possible = strcmp(l->confidence, "claimed") == 0 || strcmp(l->kind, "successor") == 0;

		for (k = 0; k < l->names.n && rc == 0; k++)
			rc = add_name(m, l->names.v[k], l->vendor, l->kind, kind, possible, l);
	}
	if (rc < 0) {
		rw_asset_matcher_free(m);
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	}
	*out = m;
	return 0;
}

void rw_asset_matcher_free(rw_asset_matcher *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nnames; i++)
		free(m->names[i].words);
	for (i = 0; i < m->nchips; i++)
		free(m->chips[i].prefix);
	for (i = 0; i < m->nmodels; i++)
		free(m->models[i].prefix);
	free(m->names);
	free(m->chips);
	free(m->models);
	free(m->spans);
	free(m->cands);
	rw_hmap_release(&m->cache);
	rw_buf_release(&m->key);
	free(m);
}

void rw_asset_matches_release(rw_asset_matches *ms)
{
	size_t i;

	for (i = 0; i < ms->n; i++)
		free(ms->v[i].note);
	free(ms->v);
	memset(ms, 0, sizeof(*ms));
}

static int push_cand(rw_asset_matcher *m, const char *vendor, int by, int possible, const char *column,
		     const char *name, const char *what, const rw_link *link)
{
	cand *c;

	if (rw_array_grow((void **)&m->cands, &m->capcands, m->ncands + 1, sizeof(*m->cands)) < 0)
		return RW_ENOMEM;
	c = &m->cands[m->ncands++];
	c->vendor = vendor;
	c->by = by;
	c->possible = possible;
	c->column = column;
	c->name = name;
	c->what = what;
	c->link = link;
	c->words = NULL;
	return 0;
}

/* Names of the dictionary in a manufacturer, brand or chipset text. */
static int cands_names(rw_asset_matcher *m, const char *text, const char *column)
{
	char *words = name_words(text);
	size_t i;
	int rc = 0;

	if (words == NULL)
		return RW_ENOMEM;
	for (i = 0; i < m->nnames && rc == 0 && words[0]; i++) {
		const name_key *k = &m->names[i];
		int by;

		if (k->whole_text ? strcmp(words, k->words) != 0 : strstr(words, k->words) == NULL)
			continue;
		if (strcmp(column, "chipset") == 0) {
			/* A chipset column names a maker (HiSilicon), not a brand of cameras. */
			if (k->kind != K_NAME || k->link)
				continue;
			by = RW_BY_CHIPSET;
		} else {
			by = k->kind == K_BRAND ? RW_BY_BRAND : k->kind == K_OEM ? RW_BY_OEM
					       : strcmp(column, "brand") == 0 ? RW_BY_BRAND : RW_BY_MANUFACTURER;
		}
		rc = push_cand(m, k->vendor, by, k->possible, column, k->name, k->what, k->link);
		if (rc == 0)
			m->cands[m->ncands - 1].words = k->words;
	}
	free(words);
	return rc;
}

/* Candidates for one part number written as s[0..len). */
static int chip_try(rw_asset_matcher *m, const char *s, size_t len)
{
	char *norm = chip_norm(s, len);
	size_t i;
	int rc = 0;

	if (norm == NULL)
		return RW_ENOMEM;
	for (i = 0; i < m->nchips && rc == 0 && chip_shape(norm); i++)
		if (strncmp(norm, m->chips[i].prefix, strlen(m->chips[i].prefix)) == 0)
			rc = push_cand(m, m->chips[i].vendor, RW_BY_CHIPSET, m->chips[i].possible, "chipset",
				       m->chips[i].name, m->chips[i].possible ? "claimed chipset" : "chipset", NULL);
	free(norm);
	return rc;
}

/* Part numbers in a chipset text: each part between separators taken whole ("Hi3516 EV300"),
   then each of its blank-separated words ("Hi3516EV300 SC2235"). */
static int cands_chips(rw_asset_matcher *m, const char *text)
{
	const char *p = text;
	int rc = 0;

	while (*p && rc == 0) {
		size_t n = strcspn(p, "+,/;&|()"), w;
		const char *q = p, *end = p + n;

		rc = chip_try(m, p, n);
		while (rc == 0 && q < end && (memchr(p, ' ', n) || memchr(p, '\t', n))) {
			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			for (w = 0; q + w < end && q[w] != ' ' && q[w] != '\t'; w++)
				;
			if (w)
				rc = chip_try(m, q, w);
			q += w;
		}
		p = end;
		if (*p)
			p++;
	}
	return rc;
}

/* Model prefixes: a prefix ending in a letter must be followed by a digit (or a blank and a digit). */
static int cands_models(rw_asset_matcher *m, const char *text)
{
	char *up = upper_copy(text);
	size_t i;
	int rc = 0;

	if (up == NULL)
		return RW_ENOMEM;
	for (i = 0; i < m->nmodels && rc == 0; i++) {
		const prefix_key *k = &m->models[i];
		size_t n = strlen(k->prefix);
		char last = k->prefix[n - 1];
		const char *after = up + n;

		if (strncmp(up, k->prefix, n) != 0)
			continue;
		if (last >= 'A' && last <= 'Z') {
			if (*after == ' ')
				after++;
			if (!(*after >= '0' && *after <= '9'))
				continue;
		}
		rc = push_cand(m, k->vendor, RW_BY_MODEL, k->possible, "model", k->name,
			       k->possible ? "claimed model prefix" : "model prefix", NULL);
	}
	free(up);
	return rc;
}

/* The cached candidates for one column's text. */
static int cands_for(rw_asset_matcher *m, const char *column, const char *text, cand_span *out)
{
	const rw_hmap_entry *e;
	const char *key;
	cand_span span;
	int rc;

	out->first = out->n = 0;
	if (text[0] == '\0')
		return 0;
	rw_buf_clear(&m->key);
	rc = rw_buf_putc(&m->key, column[0] == 'm' && column[1] == 'o' ? 'M' : column[0]);
	if (rc == 0)
		rc = rw_buf_putc(&m->key, '\x1f');
	if (rc == 0)
		rc = rw_buf_puts(&m->key, text);
	if (rc < 0)
		return RW_ENOMEM;
	key = rw_buf_cstr(&m->key);
	e = rw_hmap_find(&m->cache, key);
	if (e) {
		*out = m->spans[e->value];
		return 0;
	}
	span.first = m->ncands;
	if (strcmp(column, "chipset") == 0) {
		rc = cands_names(m, text, column);
		if (rc == 0)
			rc = cands_chips(m, text);
	} else if (strcmp(column, "model") == 0) {
		rc = cands_models(m, text);
	} else {
		rc = cands_names(m, text, column);
	}
	span.n = m->ncands - span.first;
	if (rc == 0)
		rc = rw_array_grow((void **)&m->spans, &m->capspans, m->nspans + 1, sizeof(*m->spans));
	if (rc == 0)
		rc = rw_hmap_put(&m->cache, key, m->nspans);
	if (rc == 0)
		m->spans[m->nspans++] = span;
	*out = span;
	return rc;
}

/* A link date (YYYY, YYYY-MM or YYYY-MM-DD) as the first day of its period, or (end) the day after it. */
static void link_day(const char *d, int end, char out[RW_DATE_LEN])
{
	size_t n = strlen(d);
	long y, mo;

	if (n >= 10) {
		snprintf(out, RW_DATE_LEN, "%.10s", d);
		return;
	}
	y = strtol(d, NULL, 10);
	mo = n >= 7 ? strtol(d + 5, NULL, 10) : 1;
	if (end) {
		if (n >= 7)
			mo++;
		else
			y++;
		if (mo > 12)
			mo = 1, y++;
	}
	snprintf(out, RW_DATE_LEN, "%04u-%02u-01", (unsigned)y % 10000u, (unsigned)mo % 100u);
}

/* 1 when the link holds on date d (since <= d < until); partial dates are periods, taken
   widely: a link holds on "2018" if it held on any day of 2018. */
static int link_holds(const rw_link *l, const char *d)
{
	char day[RW_DATE_LEN], first[RW_DATE_LEN], after[RW_DATE_LEN];

	link_day(d, 0, first);
	if (strlen(d) >= 10)
		rw_date_from_time((time_t)(rw_date_days(first) + 1) * 86400, after);
	else
		link_day(d, 1, after);
	if (l->since) {
		link_day(l->since, 0, day);
		if (strcmp(day, after) >= 0)
			return 0;
	}
	if (l->until) {
		link_day(l->until, 1, day);
		if (strcmp(first, day) >= 0)
			return 0;
	}
	return 1;
}

/* Strength order of candidates: certain first, then by kind of match, then the longer name. */
static int cand_better(const cand *a, const cand *b)
{
	if (a->possible != b->possible)
		return a->possible < b->possible;
	if (a->by != b->by)
		return a->by < b->by;
	return (a->words ? strlen(a->words) : 0) > (b->words ? strlen(b->words) : 0);
}

/* A name found inside a longer name found in the same text gives way to it: "Chengdu Dahua
   Wisdom Information Technology" is that company, not Dahua itself. */
static int within_longer(const cand *c, const cand *const *all, size_t n)
{
	size_t i;

	for (i = 0; c->words && i < n; i++)
		if (all[i] != c && all[i]->words && strcmp(all[i]->column, c->column) == 0 &&
		    strlen(all[i]->words) > strlen(c->words) && strstr(all[i]->words, c->words))
			return 1;
	return 0;
}

/* "unknown", "n/a", "generic" ...: a manufacturer or brand column that names nobody. */
static int names_nobody(const char *s)
{
	static const char *const nobody[] = {
		"", "unknown", "n a", "na", "none", "generic", "oem", "white label", "whitelabel", "unbranded",
		"no brand", "no name", "noname", "tbc", "tbd", "not known", "various", "other",
	};
	char *w = rw_name_normalise(s);
	size_t i;
	int r = 0;

	if (w == NULL)
		return 0;
	for (i = 0; i < sizeof(nobody) / sizeof(nobody[0]) && !r; i++)
		r = strcmp(w, nobody[i]) == 0;
	free(w);
	return r;
}

static char *match_note(const cand *c, const char *value, const char *date, int dated)
{
	const char *v = c->vendor;

	if (c->link) {
		const rw_link *l = c->link;

		return rw_asprintf("%s '%s': %s of %s%s%s%s%s (%s)%s%s%s%s", c->column, value, l->kind, v,
				   l->since ? " from " : "", l->since ? l->since : "", l->until ? " until " : "",
				   l->until ? l->until : "", l->confidence, dated ? "; installed " : "",
				   dated ? date : "", l->note ? "; " : "", l->note ? l->note : "");
	}
	return rw_asprintf("%s '%s': %s '%s' of %s", c->column, value, c->what, c->name, v);
}

/* Room for n more matches: exactly n in an empty list (an asset has a handful), else doubling. */
static int matches_reserve(rw_asset_matches *ms, size_t n)
{
	if (ms->v == NULL) {
		ms->v = calloc(n, sizeof(*ms->v));
		if (ms->v == NULL)
			return RW_ENOMEM;
		ms->cap = n;
		return 0;
	}
	return rw_array_grow((void **)&ms->v, &ms->cap, ms->n + n, sizeof(*ms->v));
}

int rw_asset_match_vendors(rw_ctx *ctx, rw_asset_matcher *m, const rw_asset *a, const char *on,
			   rw_asset_matches *out)
{
	const char *columns[4] = {"manufacturer", "brand", "chipset", "model"};
	const char *values[4];
	cand_span spans[4];
	const cand *best[RW_ASSET_MAX_MATCHES], *held[256];
	const char *best_value[RW_ASSET_MAX_MATCHES];
	size_t nbest = 0, nheld = 0, i, k, j;
	const char *date = a->installed && a->installed[0] ? a->installed : on;
	int rc = 0;

	values[0] = a->manufacturer ? a->manufacturer : "";
	values[1] = a->brand ? a->brand : "";
	values[2] = a->chipset ? a->chipset : "";
	values[3] = names_nobody(values[0]) && names_nobody(values[1]) && a->model ? a->model : "";
	for (k = 0; k < 4 && rc == 0; k++)
		rc = cands_for(m, columns[k], values[k], &spans[k]);
	if (rc < 0)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	/* The candidates whose link (if any) holds on the date. */
	for (k = 0; k < 4; k++)
		for (i = 0; i < spans[k].n && nheld < sizeof(held) / sizeof(held[0]); i++)
			if (!m->cands[spans[k].first + i].link || link_holds(m->cands[spans[k].first + i].link, date))
				held[nheld++] = &m->cands[spans[k].first + i];
	/* The strongest of each vendor, leaving out names within longer names found. */
	for (k = 0; k < 4; k++) {
		for (i = 0; i < spans[k].n; i++) {
			const cand *c = &m->cands[spans[k].first + i];

			if ((c->link && !link_holds(c->link, date)) || within_longer(c, held, nheld))
				continue;
			for (j = 0; j < nbest && strcmp(best[j]->vendor, c->vendor) != 0; j++)
				;
			if (j == nbest && nbest < sizeof(best) / sizeof(best[0])) {
				best[nbest] = c;
				best_value[nbest++] = values[k];
			} else if (j < nbest && cand_better(c, best[j])) {
				best[j] = c;
				best_value[j] = values[k];
			}
		}
	}
	/* Strongest first (insertion sort of a handful). */
	for (i = 1; i < nbest; i++) {
		for (j = i; j > 0; j--) {
			const cand *x = best[j - 1], *y = best[j];
			const char *tv;

			if (!(cand_better(y, x) || (!cand_better(x, y) && strcmp(y->vendor, x->vendor) < 0)))
				break;
			best[j - 1] = y;
			best[j] = x;
			tv = best_value[j - 1];
			best_value[j - 1] = best_value[j];
			best_value[j] = tv;
		}
	}
	if (nbest)
		rc = matches_reserve(out, nbest);
	for (i = 0; i < nbest && rc == 0; i++) {
		const cand *c = best[i];
		rw_asset_match *o = &out->v[out->n];

		memset(o, 0, sizeof(*o));
		o->vendor = c->vendor;
		o->by = c->by;
		o->column = c->column;
		o->name = c->name;
		o->possible = c->possible;
		o->evidence = c->link ? c->link->evidence : NULL;
		o->note = match_note(c, best_value[i], date, a->installed && a->installed[0]);
		if (o->note == NULL)
			rc = RW_ENOMEM;
		else
			out->n++;
	}
	return rc < 0 ? rw_error(ctx, RW_ENOMEM, "out of memory") : 0;
}

