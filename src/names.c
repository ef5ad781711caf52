/* Name normalisation and whole-word mention search (no library). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/normalise.h"

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
