/*
 * Names in comparable form, shared by list normalisation and inventory matching:
 * case, punctuation, company suffixes and accents set aside. No I/O, no state.
 */
#ifndef REGWATCH_NAMES_H
#define REGWATCH_NAMES_H

/* A name in comparable form: lower case, punctuation to spaces, company suffixes
   ("Co., Ltd.", "Corporation", "Inc." ...) dropped, spaces collapsed. Caller frees. */
char *rw_name_normalise(const char *name);

/* 1 when text names `name` as whole words ("ZTE" is not in "AZTEC"). Both are normalised. */
int rw_text_mentions(const char *text, const char *name);

/* s with the accented Latin letters of U+00C0..U+017F replaced by their base letters
   ("Hikvisión" -> "Hikvision", "ß" -> "ss"); other bytes are kept. Caller frees. */
char *rw_name_fold_accents(const char *s);

#endif
