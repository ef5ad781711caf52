/* Use-limited regimes: statuses that apply only to some uses, and the purposes that are those uses. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "regwatch/inventory.h"
#include "regwatch/names.h"

/* Case-insensitive (ASCII) substring search. */
static int contains_ci(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (; *text; text++)
		if (strncasecmp(text, word, n) == 0)
			return 1;
	return 0;
}

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

