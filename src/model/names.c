/* Name normalisation and whole-word mention search (no library). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/names.h"

static const char *const company_suffixes[] = {
	"co", "ltd", "company", "corporation", "corp", "inc", "incorporated", "llc",
	"limited", "plc", "the", "gmbh", "sa", "ag", "lp", "llp", "pte", "bv",
};

static int is_suffix(const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(company_suffixes) / sizeof(company_suffixes[0]); i++)
		if (strlen(company_suffixes[i]) == n && memcmp(company_suffixes[i], w, n) == 0)
			return 1;
	return 0;
}

/* Lower case; every ASCII character that is not a letter or digit ends a word.
   Bytes of UTF-8 sequences are kept, except U+00A0 and typographic quotes/dashes. */
static char *fold(const char *s)
{
	size_t n = strlen(s), i, o = 0;
	char *out = malloc(n + 1);

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0xC2 && (unsigned char)s[i + 1] == 0xA0) {
			out[o++] = ' ';
			i++;
		} else if (c == 0xE2 && (unsigned char)s[i + 1] == 0x80) {
			out[o++] = ' '; /* U+2010..U+203F: dashes, quotes, dagger, bullet */
			i += s[i + 2] ? 2 : 1;
		} else if (c >= 0x80 || isalnum(c)) {
			out[o++] = (char)tolower(c);
		} else if (c == '\'') {
			/* "Hikvision's" -> "hikvision s": apostrophes split words like other punctuation */
			out[o++] = ' ';
		} else {
			out[o++] = ' ';
		}
	}
	out[o] = '\0';
	return out;
}

char *rw_name_normalise(const char *name)
{
	char *f = fold(name ? name : ""), *out, *p;
	size_t o = 0;

	if (f == NULL)
		return NULL;
	out = malloc(strlen(f) + 1);
	if (out == NULL) {
		free(f);
		return NULL;
	}
	p = f;
	while (*p) {
		char *w;
		size_t n;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		w = p;
		while (*p && *p != ' ')
			p++;
		n = (size_t)(p - w);
		if (is_suffix(w, n))
			continue;
		if (o)
			out[o++] = ' ';
		memcpy(out + o, w, n);
		o += n;
	}
	out[o] = '\0';
	free(f);
	return out;
}

/* Text folded to words separated by single spaces, with a space at both ends. */
static char *spaced_words(const char *text)
{
	char *f = fold(text ? text : ""), *out, *p;
	size_t o = 0;

	if (f == NULL)
		return NULL;
	out = malloc(strlen(f) + 3);
	if (out == NULL) {
		free(f);
		return NULL;
	}
	out[o++] = ' ';
	for (p = f; *p; p++) {
		if (*p == ' ' && out[o - 1] == ' ')
			continue;
		out[o++] = *p;
	}
	if (out[o - 1] != ' ')
		out[o++] = ' ';
	out[o] = '\0';
	free(f);
	return out;
}

int rw_text_mentions(const char *text, const char *name)
{
	char *t = spaced_words(text), *n = spaced_words(name);
	int found = 0;

	if (t && n && strlen(n) > 2)
		found = strstr(t, n) != NULL;
	free(t);
	free(n);
	return found;
}

/* Base letters of U+00C0..U+017F, one a code point. Digits stand for two letters (see
   ligature[]); a space for a sign that is not a letter (U+00D7, U+00F7). */
static const char latin_base[] =
	"AAAAAA0CEEEEIIIIDNOOOOO OUUUUY12"  /* U+00C0..U+00DF */
	"aaaaaa3ceeeeiiiidnooooo ouuuuy4y"  /* U+00E0..U+00FF */
	"AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGg"  /* U+0100..U+011F */
	"GgGgHhHhIiIiIiIiIi56JjKkkLlLlLlL"  /* U+0120..U+013F */
	"lLlNnNnNnnNnOoOoOo78RrRrRrSsSsSs"  /* U+0140..U+015F */
	"SsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs"; /* U+0160..U+017F */

static const char *const ligature[] = {"AE", "TH", "ss", "ae", "th", "IJ", "ij", "OE", "oe"};

char *rw_name_fold_accents(const char *s)
{
	size_t n = strlen(s ? s : ""), i, o = 0;
	char *out = malloc(2 * n + 1);

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i], d = (unsigned char)s[i + 1];
		unsigned cp;
		char b;

		if (c >= 0xC3 && c <= 0xC5 && d >= 0x80 && d <= 0xBF) {
			cp = ((unsigned)(c & 0x1F) << 6) | (d & 0x3F);
			if (cp >= 0xC0 && cp <= 0x17F) {
				b = latin_base[cp - 0xC0];
				if (b >= '0' && b <= '8') {
					memcpy(out + o, ligature[b - '0'], 2);
					o += 2;
				} else {
					out[o++] = b;
				}
				i++;
				continue;
			}
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}
