/* Inventories: reading asset registers, matching assets to vendors, and the statuses that
   reach each asset. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "regwatch/csvread.h"
#include "regwatch/diff.h"
#include "regwatch/inventory.h"
#include "regwatch/normalise.h"

/* ------------------------------------------------------------------------------------- */
/* A string-keyed hash map to indexes (open addressing, linear probing). */

typedef struct hmap_entry {
	char *key;
	size_t value;
} hmap_entry;

typedef struct hmap {
	hmap_entry *v;
	size_t cap; /* a power of two, or 0 */
	size_t n;
} hmap;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static const hmap_entry *hmap_find(const hmap *h, const char *key)
{
	size_t i;

	if (h->cap == 0)
		return NULL;
	for (i = (size_t)hash_str(key) & (h->cap - 1); h->v[i].key; i = (i + 1) & (h->cap - 1))
		if (strcmp(h->v[i].key, key) == 0)
			return &h->v[i];
	return NULL;
}

static int hmap_grow(hmap *h)
{
	size_t cap = h->cap ? h->cap * 2 : 256, i, k;
	hmap_entry *v = calloc(cap, sizeof(*v));

	if (v == NULL)
		return RW_ENOMEM;
	for (i = 0; i < h->cap; i++) {
		if (h->v[i].key == NULL)
			continue;
		for (k = (size_t)hash_str(h->v[i].key) & (cap - 1); v[k].key; k = (k + 1) & (cap - 1))
			;
		v[k] = h->v[i];
	}
	free(h->v);
	h->v = v;
	h->cap = cap;
	return 0;
}

/* Adds key (copied) -> value; the key must not be in the map. */
static int hmap_put(hmap *h, const char *key, size_t value)
{
	size_t i;

	if ((h->n + 1) * 2 > h->cap && hmap_grow(h) < 0)
		return RW_ENOMEM;
	for (i = (size_t)hash_str(key) & (h->cap - 1); h->v[i].key; i = (i + 1) & (h->cap - 1))
		;
	h->v[i].key = rw_strdup(key);
	if (h->v[i].key == NULL)
		return RW_ENOMEM;
	h->v[i].value = value;
	h->n++;
	return 0;
}

static void hmap_release(hmap *h)
{
	size_t i;

	for (i = 0; i < h->cap; i++)
		free(h->v[i].key);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

/* Case-insensitive (ASCII) substring search. */
static int contains_ci(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (; *text; text++)
		if (strncasecmp(text, word, n) == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------------------------------- */
/* Reading an inventory. */

enum inv_col {
	IC_ASSET_ID, IC_SITE, IC_MANUFACTURER, IC_BRAND, IC_MODEL, IC_QUANTITY, IC_CHIPSET, IC_INSTALLED,
	IC_PURPOSE, IC_NOTES, IC_N
};

static const char *const inv_columns[IC_N] = {
	"asset_id", "site", "manufacturer", "brand", "model", "quantity", "chipset", "installed", "purpose", "notes",
};

#define MAX_QUANTITY 1000000000L
#define MAX_PROBLEM 400 /* bytes of one problem message */

void rw_inventory_init(rw_inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
}

static void asset_release(rw_asset *a)
{
	free(a->asset_id);
	free(a->site);
	free(a->manufacturer);
	free(a->brand);
	free(a->model);
	free(a->chipset);
	free(a->installed);
	free(a->purpose);
	free(a->notes);
	rw_strvec_release(&a->extra);
}

void rw_inventory_release(rw_inventory *inv)
{
	size_t i;

	for (i = 0; i < inv->n; i++)
		asset_release(&inv->v[i]);
	free(inv->v);
	free(inv->name);
	rw_strvec_release(&inv->extra_names);
	rw_strvec_release(&inv->problems);
	memset(inv, 0, sizeof(*inv));
}

/* 1 when s is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF). */
static int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned c = *p;
		size_t n, i;
		unsigned cp;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* s read as Latin-1, in UTF-8. Caller frees. */
static char *latin1_to_utf8(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = malloc(2 * n + 1);
	const unsigned char *p;

	if (out == NULL)
		return NULL;
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80) {
			out[o++] = (char)*p;
		} else {
			out[o++] = (char)(0xC0 | (*p >> 6));
			out[o++] = (char)(0x80 | (*p & 0x3F));
		}
	}
	out[o] = '\0';
	return out;
}

/* A copy of s without surrounding blanks. */
static char *trimmed(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return rw_strndup(s, n);
}

/* Header name in comparable form: lower case, blanks and hyphens as underscores. */
static char *header_key(const char *s)
{
	char *k = trimmed(s), *p;

	if (k)
		for (p = k; *p; p++)
			*p = *p == ' ' || *p == '-' ? '_' : (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
	return k;
}

static int problem(rw_inventory *inv, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int problem(rw_inventory *inv, long line, const char *fmt, ...)
{
	rw_buf b = RW_BUF_INIT;
	va_list ap;
	int rc;

	rc = rw_buf_printf(&b, "%s:%ld: ", inv->name, line);
	if (rc == 0) {
		va_start(ap, fmt);
		rc = rw_buf_vprintf(&b, fmt, ap);
		va_end(ap);
	}
	/* One line of reasonable length, whatever the row held (a quoted value may span lines
	   or run to a megabyte). */
	for (size_t i = 0; rc == 0 && i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f)
			b.data[i] = ' ';
	if (rc == 0 && b.len > MAX_PROBLEM) {
		size_t n = MAX_PROBLEM;

		while (n > 0 && ((unsigned char)b.data[n] & 0xC0) == 0x80)
			n--;
		b.len = n;
		b.data[n] = '\0';
		rc = rw_buf_puts(&b, "...");
	}
	if (rc == 0)
		rc = rw_strvec_push_owned(&inv->problems, rw_buf_detach(&b, NULL));
	rw_buf_release(&b);
	return rc;
}

/* The message of a CSV error without its "line N: " prefix. */
static const char *csv_reason(const rw_ctx *ctx)
{
	const char *m = rw_errmsg(ctx), *colon;

	if (strncmp(m, "line ", 5) == 0 && (colon = strstr(m, ": ")) != NULL)
		return colon + 2;
	return m;
}

/* Reads the header: the index of every known column (-1: absent) and the other names. */
static int read_header(rw_ctx *ctx, rw_inventory *inv, const rw_strvec *row, long line, int *cols,
		       rw_strvec *extra_idx)
{
	size_t i, k;
	int rc = 0;

	for (k = 0; k < IC_N; k++)
		cols[k] = -1;
	for (i = 0; i < row->n && rc == 0; i++) {
		char *key = header_key(row->v[i]);
		int known = -1;

		if (key == NULL)
			return rw_error(ctx, RW_ENOMEM, "out of memory");
		for (k = 0; k < IC_N; k++)
			if (strcmp(key, inv_columns[k]) == 0)
				known = (int)k;
		if (known >= 0 && cols[known] >= 0)
			rc = rw_error(ctx, RW_EDATA, "%s:%ld: column '%s' appears twice", inv->name, line,
				      inv_columns[known]);
		else if (known >= 0)
			cols[known] = (int)i;
		else if (key[0] == '\0')
			rc = rw_error(ctx, RW_EDATA, "%s:%ld: column %zu has no name", inv->name, line, i + 1);
		else if (rw_strvec_push_owned(extra_idx, rw_asprintf("%zu", i)) < 0 ||
			 rw_strvec_push_owned(&inv->extra_names, trimmed(row->v[i])) < 0)
			rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		free(key);
	}
	if (rc == 0 && cols[IC_ASSET_ID] < 0)
		rc = rw_error(ctx, RW_EDATA, "%s:%ld: no 'asset_id' column (the header has: %s%s)", inv->name, line,
			      row->n ? row->v[0] : "", row->n > 1 ? ", ..." : "");
	return rc;
}

/* A date of an inventory: YYYY-MM-DD (or another full date regwatch reads), YYYY-MM or YYYY. */
static int installed_date(const char *s, char **out)
{
	char iso[RW_DATE_LEN], buf[RW_DATE_LEN];
	size_t n = strlen(s);

	if (rw_date_parse_any(s, iso) == 0) {
		*out = rw_strdup(iso);
		return *out ? 0 : RW_ENOMEM;
	}
	if ((n == 4 || n == 7) && strspn(s, "0123456789-") == n) {
		snprintf(buf, sizeof(buf), "%s%s", s, n == 4 ? "-01-01" : "-01");
		if (rw_date_valid(buf) && (n == 4 || s[4] == '-')) {
			*out = rw_strdup(s);
			return *out ? 0 : RW_ENOMEM;
		}
	}
	return RW_EDATA;
}

/* Turns one data row into an asset; a bad row is recorded as a problem and *ok set to 0. */
static int read_asset(rw_inventory *inv, const rw_strvec *row, long line, const int *cols, const rw_strvec *extra_idx,
		      size_t nheader, hmap *ids, int *warned, int *ok)
{
	const char *f[IC_N];
	char *conv[IC_N];
	rw_asset a;
	const hmap_entry *dup;
	size_t i, k;
	int rc = 0, latin1 = 0;

	*ok = 0;
	memset(&a, 0, sizeof(a));
	memset(conv, 0, sizeof(conv));
	if (row->n != nheader)
		return problem(inv, line, "%zu field%s, the header has %zu", row->n, row->n == 1 ? "" : "s", nheader);
	for (k = 0; k < IC_N; k++)
		f[k] = cols[k] >= 0 ? row->v[cols[k]] : "";
	/* Text that is not UTF-8 (a spreadsheet's Latin-1 export) is read as Latin-1. */
	for (k = 0; k < IC_N && rc == 0; k++) {
		if (utf8_valid(f[k]))
			continue;
		latin1 = 1;
		conv[k] = latin1_to_utf8(f[k]);
		if (conv[k] == NULL)
			rc = RW_ENOMEM;
		else
			f[k] = conv[k];
	}
	if (rc == 0 && latin1 && !*warned) {
		*warned = 1;
		rc = problem(inv, line, "warning: text is not UTF-8, read as Latin-1");
	}
	if (rc < 0)
		goto out;
	a.line = line;
	a.quantity = 1;
	a.asset_id = trimmed(f[IC_ASSET_ID]);
	if (a.asset_id == NULL) {
		rc = RW_ENOMEM;
		goto out;
	}
	if (a.asset_id[0] == '\0') {
		rc = problem(inv, line, "no asset_id");
		goto out;
	}
	dup = hmap_find(ids, a.asset_id);
	if (dup) {
		rc = problem(inv, line, "asset_id '%s' is already on line %ld", a.asset_id, inv->v[dup->value].line);
		goto out;
	}
	if (f[IC_QUANTITY][0]) {
		char *q = trimmed(f[IC_QUANTITY]);

		if (q == NULL) {
			rc = RW_ENOMEM;
			goto out;
		}
		if (rw_parse_long(q, 0, MAX_QUANTITY, &a.quantity) < 0 || q[0] < '0' || q[0] > '9') {
			rc = problem(inv, line, "quantity '%s' is not a whole number from 0 to %ld", q, MAX_QUANTITY);
			free(q);
			goto out;
		}
		free(q);
	}
	a.installed = trimmed(f[IC_INSTALLED]);
	if (a.installed && a.installed[0]) {
		char *d = NULL;

		rc = installed_date(a.installed, &d);
		if (rc == RW_EDATA) {
			rc = problem(inv, line, "installed '%s' is not a date (YYYY-MM-DD)", a.installed);
			goto out;
		}
		rw_str_replace(&a.installed, d);
	}
	a.site = trimmed(f[IC_SITE]);
	a.manufacturer = trimmed(f[IC_MANUFACTURER]);
	a.brand = trimmed(f[IC_BRAND]);
	a.model = trimmed(f[IC_MODEL]);
	a.chipset = trimmed(f[IC_CHIPSET]);
	a.purpose = trimmed(f[IC_PURPOSE]);
	a.notes = trimmed(f[IC_NOTES]);
	for (i = 0; i < extra_idx->n && rc == 0; i++) {
		const char *v = row->v[strtoul(extra_idx->v[i], NULL, 10)];
		char *c = utf8_valid(v) ? rw_strdup(v) : latin1_to_utf8(v);

		rc = rw_strvec_push_owned(&a.extra, c);
	}
	if (rc == 0 && (a.installed == NULL || a.site == NULL || a.manufacturer == NULL || a.brand == NULL ||
			a.model == NULL || a.chipset == NULL || a.purpose == NULL || a.notes == NULL))
		rc = RW_ENOMEM;
	if (rc == 0 && inv->n == inv->cap) {
		size_t cap = inv->cap ? inv->cap * 2 : 64;
		rw_asset *v = realloc(inv->v, cap * sizeof(*v));

		if (v == NULL)
			rc = RW_ENOMEM;
		else
			inv->v = v, inv->cap = cap;
	}
	if (rc == 0)
		rc = hmap_put(ids, a.asset_id, inv->n);
	if (rc == 0) {
		inv->v[inv->n++] = a;
		memset(&a, 0, sizeof(a));
		*ok = 1;
	}
out:
	for (k = 0; k < IC_N; k++)
		free(conv[k]);
	asset_release(&a);
	return rc;
}

int rw_inventory_parse(rw_ctx *ctx, rw_inventory *inv, const char *name, const char *data, size_t len)
{
	rw_csv_reader r;
	rw_strvec row = RW_STRVEC_INIT, extra_idx = RW_STRVEC_INIT;
	hmap ids = {0};
	int cols[IC_N];
	size_t nheader = 0;
	long line = 0;
	int rc, have_header = 0, warned = 0;

	inv->name = rw_strdup(name);
	if (inv->name == NULL)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	rw_csv_init(&r, data, len);
	while ((rc = rw_csv_next(ctx, &r, &row, &line)) != 0) {
		int ok;

		if (rc == RW_ENOMEM)
			break;
		if (rc < 0 && !have_header) {
			rc = rw_error(ctx, RW_EDATA, "%s:%ld: header: %s", name, line, csv_reason(ctx));
			break;
		}
		if (rc < 0) {
			rc = problem(inv, line, "%s", csv_reason(ctx));
			inv->skipped++;
			rw_clear_error(ctx);
			if (rc < 0)
				break;
			continue;
		}
		if (!have_header) {
			rc = read_header(ctx, inv, &row, line, cols, &extra_idx);
			if (rc < 0)
				break;
			nheader = row.n;
			have_header = 1;
			continue;
		}
		rc = read_asset(inv, &row, line, cols, &extra_idx, nheader, &ids, &warned, &ok);
		if (rc < 0)
			break;
		if (!ok)
			inv->skipped++;
	}
	if (rc == RW_ENOMEM)
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
	else if (rc == 0 && !have_header)
		rc = rw_error(ctx, RW_EDATA, "%s: empty: an inventory needs a header row with 'asset_id'", name);
	rw_strvec_release(&row);
	rw_strvec_release(&extra_idx);
	rw_csv_release(&r);
	hmap_release(&ids);
	return rc;
}

int rw_inventory_load(rw_ctx *ctx, rw_inventory *inv, const char *path)
{
	rw_buf b = RW_BUF_INIT;
	int rc;

	rc = rw_read_file(ctx, &b, path, RW_INVENTORY_MAX_BYTES);
	if (rc == 0)
		rc = rw_inventory_parse(ctx, inv, path, rw_buf_cstr(&b), b.len);
	rw_buf_release(&b);
	return rc;
}

/* ------------------------------------------------------------------------------------- */
/* Matching. */

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
	hmap cache;           /* "C\x1fTEXT" -> index in spans */
	rw_buf key;           /* scratch for cache keys */
	cand_span *spans;
	size_t nspans, capspans;
	cand *cands;
	size_t ncands, capcands;
};

#define GROW(ptr, n, cap)                                                              \
	((n) < (cap) ? 0 : grow_array((void **)&(ptr), &(cap), sizeof(*(ptr))))

static int grow_array(void **p, size_t *cap, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 32;
	void *v = realloc(*p, ncap * size);

	if (v == NULL)
		return RW_ENOMEM;
	*p = v;
	*cap = ncap;
	return 0;
}

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
	if (w[0] == '\0' || GROW(m->names, m->nnames, m->capnames) < 0) {
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
	if (prefix[0] == '\0' || GROW(*v, *n, *cap) < 0) {
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
	char *u = trimmed(s), *p;

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
	hmap_release(&m->cache);
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

	if (GROW(m->cands, m->ncands, m->capcands) < 0)
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
	const hmap_entry *e;
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
	e = hmap_find(&m->cache, key);
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
		rc = GROW(m->spans, m->nspans, m->capspans);
	if (rc == 0)
		rc = hmap_put(&m->cache, key, m->nspans);
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

int rw_asset_match_vendors(rw_ctx *ctx, rw_asset_matcher *m, const rw_asset *a, const char *on,
			   rw_asset_matches *out)
{
	const char *columns[4] = {"manufacturer", "brand", "chipset", "model"};
	const char *values[4];
	cand_span spans[4];
	const cand *best[64], *held[256];
	const char *best_value[64];
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
	for (i = 0; i < nbest && rc == 0; i++) {
		const cand *c = best[i];
		rw_asset_match *o;

		if (GROW(out->v, out->n, out->cap) < 0) {
			rc = RW_ENOMEM;
			break;
		}
		o = &out->v[out->n];
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

/* ------------------------------------------------------------------------------------- */
/* Use-limited regimes. */

int rw_scope_is_limited(const char *note)
{
	return note && (contains_ci(note, "to the extent") || contains_ci(note, "listed purposes only"));
}

int rw_purpose_in_scope(const char *purpose)
{
	static const char *const unknown[] = {"", "unknown", "n a", "na", "none", "tbc", "tbd", "not known",
					      "unspecified"};
	static const char *const uses[] = {
		" public safety ", " government ", " critical infrastructure ", " critical national infrastructure ",
		" cni ", " national security ", " police ", " policing ", " law enforcement ", " defence ",
		" defense ", " military ", " border security ",
	};
	char *folded = rw_name_fold_accents(purpose ? purpose : ""), *norm, *w;
	size_t i;
	int r = 0;

	norm = folded ? rw_name_normalise(folded) : NULL;
	free(folded);
	if (norm == NULL)
		return -1;
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		if (strcmp(norm, unknown[i]) == 0)
			r = -1;
	w = r == 0 ? rw_asprintf(" %s ", norm) : NULL;
	for (i = 0; w && i < sizeof(uses) / sizeof(uses[0]) && r == 0; i++)
		if (strstr(w, uses[i]))
			r = 1;
	free(w);
	free(norm);
	return r;
}

/* ------------------------------------------------------------------------------------- */
/* Statuses reaching assets. */

typedef struct vendor_statuses {
	const char *vendor;   /* owned by the dictionary */
	char on[RW_DATE_LEN];
	time_t known;
	rw_table t;           /* RW_Q_NCOLS, most severe first, then by regime, since and source */
	unsigned char *limited;
	int *rank;
} vendor_statuses;

struct rw_reach {
	rw_db *db;
	const rw_dict *dict;
	rw_asset_matcher *matcher;
	rw_table notes;       /* RW_BN_NCOLS */
	vendor_statuses *v;   /* few: vendors matched x days x clocks asked */
	size_t n, cap;
	rw_strvec unknown;    /* vendors the database does not know (warned once) */
};

int rw_reach_new(rw_ctx *ctx, rw_reach **out, rw_db *db, const rw_dict *dict)
{
	rw_reach *r = calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (r == NULL)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	r->db = db;
	r->dict = dict;
	rw_table_init(&r->notes, RW_BN_NCOLS);
	rc = rw_asset_matcher_new(ctx, &r->matcher, dict);
	if (rc == 0)
		rc = rw_db_baseline_notes(ctx, db, &r->notes);
	if (rc < 0) {
		rw_reach_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void rw_reach_free(rw_reach *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		rw_table_release(&r->v[i].t);
		free(r->v[i].limited);
		free(r->v[i].rank);
	}
	free(r->v);
	rw_table_release(&r->notes);
	rw_strvec_release(&r->unknown);
	rw_asset_matcher_free(r->matcher);
	free(r);
}

rw_asset_matcher *rw_reach_matcher(rw_reach *r)
{
	return r->matcher;
}

/* Whether a status is limited to uses: its own note says so, or (a live list's row, whose
   text regwatch does not keep) every curated baseline entry of the same vendor, regime and
   status says so. */
static int status_limited(const rw_reach *r, const rw_row *s)
{
	size_t i, seen = 0, limited = 0;

	if (rw_scope_is_limited(s->f[RW_Q_NOTE]))
		return 1;
	if (strcmp(s->f[RW_Q_SOURCE], RW_BASELINE_SOURCE) == 0)
		return 0;
	for (i = 0; i < r->notes.n; i++) {
		char *const *f = r->notes.v[i].f;

		if (strcmp(f[RW_BN_VENDOR], s->f[RW_Q_VENDOR]) != 0 || strcmp(f[RW_BN_REGIME], s->f[RW_Q_REGIME]) != 0 ||
		    strcmp(f[RW_BN_STATUS], s->f[RW_Q_STATUS]) != 0)
			continue;
		seen++;
		limited += (size_t)rw_scope_is_limited(f[RW_BN_NOTE]);
	}
	return seen > 0 && limited == seen;
}

static int rank_of(const rw_row *r)
{
	int k = rw_status_rank(r->f[RW_Q_STATUS]);

	return k < 0 ? 99 : k;
}

/* The order of statuses reaching an asset: most severe first, then regime, since, source. */
static int status_order(const void *pa, const void *pb)
{
	const rw_row *a = pa, *b = pb;
	int c = rank_of(a) - rank_of(b);

	if (c == 0)
		c = strcmp(a->f[RW_Q_REGIME], b->f[RW_Q_REGIME]);
	if (c == 0)
		c = strcmp(a->f[RW_Q_SINCE], b->f[RW_Q_SINCE]);
	if (c == 0)
		c = strcmp(a->f[RW_Q_SOURCE], b->f[RW_Q_SOURCE]);
	if (c == 0)
		c = strcmp(a->f[RW_Q_ENTITY], b->f[RW_Q_ENTITY]);
	return c;
}

static int vendor_statuses_get(rw_ctx *ctx, rw_reach *r, const char *vendor, const char *on, time_t known,
			       const vendor_statuses **out)
{
	vendor_statuses *vs;
	size_t i;
	int rc;

	/* Vendor ids are the dictionary's strings: compared by address first. */
	for (i = r->n; i-- > 0;) {
		vs = &r->v[i];
		if ((vs->vendor == vendor || strcmp(vs->vendor, vendor) == 0) && vs->known == known &&
		    strcmp(vs->on, on) == 0) {
			*out = vs;
			return 0;
		}
	}
	rc = GROW(r->v, r->n, r->cap);
	if (rc < 0)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	vs = &r->v[r->n];
	memset(vs, 0, sizeof(*vs));
	vs->vendor = vendor;
	snprintf(vs->on, sizeof(vs->on), "%s", on);
	vs->known = known;
	rw_table_init(&vs->t, RW_Q_NCOLS);
	rc = rw_db_status(ctx, r->db, vendor, on, known, &vs->t);
	if (rc == RW_ENOTFOUND) {
		/* A vendor of the dictionary that no run has recorded yet. */
		if (!rw_strvec_contains(&r->unknown, vendor)) {
			rw_log(ctx, RW_LOG_WARN, "vendor '%s' is not in the database yet: run 'regwatch update'", vendor);
			rc = rw_strvec_push(&r->unknown, vendor);
		} else {
			rc = 0;
		}
		rw_clear_error(ctx);
	}
	if (rc == 0 && vs->t.n > 1)
		qsort(vs->t.v, vs->t.n, sizeof(vs->t.v[0]), status_order);
	if (rc == 0 && vs->t.n &&
	    ((vs->limited = calloc(vs->t.n, 1)) == NULL || (vs->rank = calloc(vs->t.n, sizeof(int))) == NULL))
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
	for (i = 0; rc == 0 && i < vs->t.n; i++) {
		vs->limited[i] = (unsigned char)status_limited(r, &vs->t.v[i]);
		vs->rank[i] = rank_of(&vs->t.v[i]);
	}
	if (rc < 0) {
		rw_table_release(&vs->t);
		free(vs->limited);
		free(vs->rank);
		return rc;
	}
	r->n++;
	*out = vs;
	return 0;
}

void rw_asset_reach_release(rw_asset_reach *ar)
{
	rw_asset_matches_release(&ar->matches);
	free(ar->v);
	memset(ar, 0, sizeof(*ar));
}

/* The same interval reaching through two vendors (a parent's status inherited by a matched child). */
static int same_interval(const rw_row *a, const rw_row *b)
{
	static const int cols[] = {RW_Q_REGIME, RW_Q_STATUS, RW_Q_SOURCE, RW_Q_ENTITY, RW_Q_SINCE, RW_Q_VENDOR};
	size_t i;

	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if (strcmp(a->f[cols[i]], b->f[cols[i]]) != 0)
			return 0;
	return 1;
}

static int reached_cmp(const rw_reached *a, const rw_reached *b, const rw_asset_reach *ar)
{
	int c = a->excluded - b->excluded;

	if (c == 0)
		c = ar->matches.v[a->match].possible - ar->matches.v[b->match].possible;
	if (c == 0)
		c = a->rank - b->rank;
	if (c == 0)
		c = strcmp(a->status->f[RW_Q_REGIME], b->status->f[RW_Q_REGIME]);
	if (c == 0)
		c = strcmp(a->status->f[RW_Q_SINCE], b->status->f[RW_Q_SINCE]);
	if (c == 0)
		c = strcmp(a->status->f[RW_Q_SOURCE], b->status->f[RW_Q_SOURCE]);
	if (c == 0)
		c = (int)a->match - (int)b->match;
	return c;
}

int rw_reach_asset(rw_ctx *ctx, rw_reach *r, const rw_asset *a, const char *on, time_t known, rw_asset_reach *out)
{
	size_t i, k, j;
	int rc, scope;

	memset(out, 0, sizeof(*out));
	rc = rw_asset_match_vendors(ctx, r->matcher, a, on, &out->matches);
	scope = rw_purpose_in_scope(a->purpose);
	for (i = 0; i < out->matches.n && rc == 0; i++) {
		const vendor_statuses *vs = NULL;
		size_t before = out->n;

		rc = vendor_statuses_get(ctx, r, out->matches.v[i].vendor, on, known, &vs);
		for (k = 0; rc == 0 && vs && k < vs->t.n; k++) {
			const rw_row *s = &vs->t.v[k];
			rw_reached *x;

			/* Only statuses of other vendors can be the same interval. */
			for (j = 0; j < before && !same_interval(out->v[j].status, s); j++)
				;
			if (j < before)
				continue;
			if (GROW(out->v, out->n, out->cap) < 0) {
				rc = rw_error(ctx, RW_ENOMEM, "out of memory");
				break;
			}
			x = &out->v[out->n++];
			x->status = s;
			x->match = i;
			x->rank = vs->rank[k];
			x->conditional = vs->limited[k] && scope < 0;
			x->excluded = vs->limited[k] && scope == 0;
		}
	}
	/* Most severe first (insertion sort: a few dozen at most). */
	for (i = 1; rc == 0 && i < out->n; i++) {
		rw_reached x = out->v[i];

		for (j = i; j > 0 && reached_cmp(&x, &out->v[j - 1], out) < 0; j--)
			out->v[j] = out->v[j - 1];
		out->v[j] = x;
	}
	if (rc < 0)
		rw_asset_reach_release(out);
	return rc;
}

size_t rw_asset_reach_count(const rw_asset_reach *ar, int certain_only)
{
	size_t i, n = 0;

	for (i = 0; i < ar->n; i++)
		if (!ar->v[i].excluded && !(certain_only && ar->matches.v[ar->v[i].match].possible))
			n++;
	return n;
}

int rw_asset_reach_worst(const rw_asset_reach *ar, int certain_only)
{
	size_t i;
	int worst = -1;

	for (i = 0; i < ar->n; i++) {
		int k = ar->v[i].rank;

		if (ar->v[i].excluded || (certain_only && ar->matches.v[ar->v[i].match].possible) || k > 4)
			continue;
		if (worst < 0 || k < worst)
			worst = k;
	}
	return worst;
}

int rw_asset_reach_possible_only(const rw_asset_reach *ar)
{
	return rw_asset_reach_count(ar, 1) == 0 && rw_asset_reach_count(ar, 0) > 0;
}

/* The next applying status of match mi at or after i, or ar->n. */
static size_t next_of(const rw_asset_reach *ar, size_t mi, size_t i)
{
	while (i < ar->n && (ar->v[i].excluded || ar->v[i].match != mi))
		i++;
	return i;
}

int rw_reach_summary(const rw_asset_reach *ar, rw_buf *out)
{
	size_t mi, i, j, vendors = 0;
	int rc = 0, first_vendor = 1;

	for (mi = 0; mi < ar->matches.n; mi++)
		vendors += next_of(ar, mi, 0) < ar->n;
	/* Per vendor reached: "status: regime, regime; status: regime". A match's applying statuses
	   are in (rank, regime) order, so each regime of a status word is one run of entries. */
	for (mi = 0; mi < ar->matches.n && rc == 0; mi++) {
		int last_rank = -1;

		for (i = next_of(ar, mi, 0); i < ar->n && rc == 0; i = j) {
			const rw_reached *x = &ar->v[i];
			int conditional = 1;

			for (j = i; j < ar->n && ar->v[j].rank == x->rank &&
				    strcmp(ar->v[j].status->f[RW_Q_REGIME], x->status->f[RW_Q_REGIME]) == 0;
			     j = next_of(ar, mi, j + 1))
				conditional &= ar->v[j].conditional;
			if (last_rank < 0 && vendors > 1)
				rc = rw_buf_printf(out, "%s%s%s: ", first_vendor ? "" : " | ", ar->matches.v[mi].vendor,
						   ar->matches.v[mi].possible ? " (possible)" : "");
			if (rc == 0 && x->rank != last_rank)
				rc = rw_buf_printf(out, "%s%s: ", last_rank < 0 ? "" : "; ", x->status->f[RW_Q_STATUS]);
			else if (rc == 0)
				rc = rw_buf_puts(out, ", ");
			if (rc == 0)
				rc = rw_buf_printf(out, "%s%s", x->status->f[RW_Q_REGIME],
						   conditional ? " (if used for the listed purposes)" : "");
			last_rank = x->rank;
			first_vendor = 0;
		}
	}
	return rc;
}

/* ------------------------------------------------------------------------------------- */
/* Checking an inventory. */

int rw_check_run(rw_ctx *ctx, rw_reach *r, const rw_inventory *inv, const char *on, time_t known, rw_check *out)
{
	hmap sites = {0};
	size_t i, capv = 0, capsites = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->on, sizeof(out->on), "%s", on);
	for (i = 0; i < inv->n && rc == 0; i++) {
		const rw_asset *a = &inv->v[i];
		rw_asset_reach ar;
		const hmap_entry *e;
		rw_check_site *site;
		int affected, reached;

		rc = rw_reach_asset(ctx, r, a, on, known, &ar);
		if (rc < 0)
			break;
		affected = rw_asset_reach_count(&ar, 1) > 0;
		reached = rw_asset_reach_count(&ar, 0) > 0;
		out->assets++;
		out->units += a->quantity;
		e = hmap_find(&sites, a->site);
		if (e == NULL) {
			if (GROW(out->sites, out->nsites, capsites) < 0 || hmap_put(&sites, a->site, out->nsites) < 0) {
				rw_asset_reach_release(&ar);
				rc = rw_error(ctx, RW_ENOMEM, "out of memory");
				break;
			}
			memset(&out->sites[out->nsites], 0, sizeof(out->sites[0]));
			out->sites[out->nsites].site = rw_strdup(a->site);
			if (out->sites[out->nsites].site == NULL) {
				rw_asset_reach_release(&ar);
				rc = rw_error(ctx, RW_ENOMEM, "out of memory");
				break;
			}
			site = &out->sites[out->nsites++];
		} else {
			site = &out->sites[e->value];
		}
		site->assets++;
		site->units += a->quantity;
		if (affected) {
			out->affected++;
			out->units_affected += a->quantity;
			site->affected++;
			site->units_affected += a->quantity;
		} else if (reached) {
			out->possible++;
		}
		if (!reached) {
			rw_asset_reach_release(&ar);
			continue;
		}
		if (GROW(out->v, out->n, capv) < 0) {
			rw_asset_reach_release(&ar);
			rc = rw_error(ctx, RW_ENOMEM, "out of memory");
			break;
		}
		out->v[out->n].asset = i;
		out->v[out->n++].reach = ar;
	}
	hmap_release(&sites);
	if (rc < 0) {
		rw_check_release(out);
		return rc;
	}
	/* Sites in name order. */
	for (i = 1; i < out->nsites; i++) {
		rw_check_site s = out->sites[i];
		size_t j;

		for (j = i; j > 0 && strcmp(s.site, out->sites[j - 1].site) < 0; j--)
			out->sites[j] = out->sites[j - 1];
		out->sites[j] = s;
	}
	return 0;
}

void rw_check_release(rw_check *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		rw_asset_reach_release(&c->v[i].reach);
	for (i = 0; i < c->nsites; i++)
		free(c->sites[i].site);
	free(c->v);
	free(c->sites);
	memset(c, 0, sizeof(*c));
}

int rw_check_fails(const rw_check *c, int rank)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		int w = rw_asset_reach_worst(&c->v[i].reach, 1);

		if (w >= 0 && w <= rank)
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------------------------- */
/* JSON. */

void rw_json_reached(rw_json *j, const rw_asset_reach *ar, const rw_reached *s)
{
	const rw_asset_match *m = &ar->matches.v[s->match];
	char *const *f = s->status->f;

	rw_json_object(j, NULL);
	rw_json_str(j, "regime", f[RW_Q_REGIME]);
	rw_json_str(j, "jurisdiction", f[RW_Q_JURISDICTION]);
	rw_json_str(j, "status", f[RW_Q_STATUS]);
	rw_json_str_or_null(j, "since", f[RW_Q_SINCE]);
	rw_json_str_or_null(j, "until", f[RW_Q_UNTIL]);
	rw_json_str_or_null(j, "via", f[RW_Q_VIA]);
	rw_json_str(j, "source", f[RW_Q_SOURCE]);
	rw_json_str_or_null(j, "evidence", f[RW_Q_EVIDENCE]);
	rw_json_str(j, "recorded_at", f[RW_Q_RECORDED_AT]);
	rw_json_str(j, "vendor", m->vendor);
	rw_json_str(j, "matched_by", rw_match_by_name(m->by));
	rw_json_raw(j, "possible", m->possible ? "true" : "false");
	if (s->conditional)
		rw_json_str(j, "condition", "applies if used for " RW_LIMITED_USES);
	else if (s->excluded)
		rw_json_str(j, "condition", "applies only if used for " RW_LIMITED_USES);
	else
		rw_json_null(j, "condition");
	rw_json_end(j);
}

void rw_json_asset_fields(rw_json *j, const rw_inventory *inv, const rw_asset *a, const rw_asset_reach *ar)
{
	const rw_asset_match *first = ar->matches.n ? &ar->matches.v[0] : NULL;
	size_t i;

	rw_json_str(j, "asset_id", a->asset_id);
	rw_json_str_or_null(j, "site", a->site);
	rw_json_str_or_null(j, "manufacturer", a->manufacturer);
	rw_json_str_or_null(j, "brand", a->brand);
	rw_json_str_or_null(j, "model", a->model);
	rw_json_str_or_null(j, "chipset", a->chipset);
	rw_json_int(j, "quantity", a->quantity);
	rw_json_str_or_null(j, "installed", a->installed);
	rw_json_str_or_null(j, "purpose", a->purpose);
	rw_json_str_or_null(j, "notes", a->notes);
	rw_json_int(j, "line", a->line);
	rw_json_str(j, "vendor", first ? first->vendor : NULL);
	rw_json_str(j, "matched_by", first ? rw_match_by_name(first->by) : NULL);
	rw_json_raw(j, "possible", rw_asset_reach_possible_only(ar) ? "true" : "false");
	rw_json_array(j, "matches");
	for (i = 0; i < ar->matches.n; i++) {
		const rw_asset_match *m = &ar->matches.v[i];

		rw_json_object(j, NULL);
		rw_json_str(j, "vendor", m->vendor);
		rw_json_str(j, "matched_by", rw_match_by_name(m->by));
		rw_json_str(j, "column", m->column);
		rw_json_str(j, "name", m->name);
		rw_json_str(j, "confidence", m->possible ? "possible" : "certain");
		rw_json_str(j, "evidence", m->evidence);
		rw_json_str(j, "note", m->note);
		rw_json_end(j);
	}
	rw_json_end(j);
	rw_json_array(j, "statuses");
	for (i = 0; i < ar->n; i++)
		if (!ar->v[i].excluded)
			rw_json_reached(j, ar, &ar->v[i]);
	rw_json_end(j);
	rw_json_array(j, "not_applicable");
	for (i = 0; i < ar->n; i++)
		if (ar->v[i].excluded)
			rw_json_reached(j, ar, &ar->v[i]);
	rw_json_end(j);
	rw_json_object(j, "extra");
	for (i = 0; inv && i < inv->extra_names.n && i < a->extra.n; i++)
		rw_json_str(j, inv->extra_names.v[i], a->extra.v[i]);
	rw_json_end(j);
}

void rw_json_asset(rw_json *j, const rw_inventory *inv, const rw_asset *a, const rw_asset_reach *ar)
{
	rw_json_object(j, NULL);
	rw_json_asset_fields(j, inv, a, ar);
	rw_json_end(j);
}
