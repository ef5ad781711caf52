/*
 * UTF-8 where text enters: one decoder, one validator, one repair. Every byte
 * sequence that is not well-formed UTF-8 (a stray continuation byte, a
 * truncated sequence, an overlong form, a surrogate, a code point past
 * U+10FFFF) is one U+FFFD REPLACEMENT CHARACTER in the repaired text, so what
 * a parser, an inventory or a configuration file hands on is always valid.
 * Legacy Windows-1252 text (what spreadsheets export) is converted with
 * iconv(3).
 */
#ifndef REGWATCH_UTF8_H
#define REGWATCH_UTF8_H

#include <stddef.h>
#include "regwatch/core.h"

#define RW_UTF8_REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* Decodes the sequence at s (at most len bytes): the code point, with *used set to the
   bytes it takes; -1 for a malformed sequence, with *used set to the bytes to skip (1,
   or the length of a truncated prefix). len must be at least 1. */
long rw_utf8_decode(const unsigned char *s, size_t len, size_t *used);

/* 1 when s[0..len) is well-formed UTF-8. */
int rw_utf8_valid(const char *s, size_t len);

/* Appends s[0..len) to out with every malformed sequence replaced by U+FFFD.
   *replaced (may be NULL) gets the number of replacements. RW_ENOMEM / RW_ELIMIT. */
int rw_utf8_repair(rw_buf *out, const char *s, size_t len, size_t *replaced);

/* s[0..len) as a new NUL-terminated valid UTF-8 string (caller frees), or NULL when
   memory runs out. Bytes that are valid pass through unchanged. */
char *rw_utf8_repaired(const char *s, size_t len);

/* s[0..len) read as Windows-1252, appended to out in UTF-8 (iconv). The five bytes that
   Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) become U+FFFD.
   RW_ENOMEM / RW_ELIMIT, or RW_ERR when the C library has no Windows-1252 converter. */
int rw_utf8_from_cp1252(rw_buf *out, const char *s, size_t len);

#endif
