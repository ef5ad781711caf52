/* Who a change concerns: the jurisdictions and vendors a member follows, and the vendor tree
   (a parent's change reaches its subsidiaries; under a regime that covers affiliates, a
   subsidiary's change reaches the parent's followers). */
#include <string.h>

#include "regwatch/members.h"
#include "regwatch/notify.h"

static const char *parent_of(const rw_vendor_tree *tree, const char *id)
{
	size_t i;

	for (i = 0; i < tree->t.n; i++)
		if (strcmp(tree->t.v[i].f[0], id) == 0)
			return tree->t.v[i].f[1][0] ? tree->t.v[i].f[1] : NULL;
	return NULL;
}

/* 1 when `ancestor` is a parent, grandparent ... of id. */
static int descends_from(const rw_vendor_tree *tree, const char *id, const char *ancestor)
{
	const char *p = id;
	int depth;

	for (depth = 0; depth < 16 && (p = parent_of(tree, p)) != NULL; depth++)
		if (strcmp(p, ancestor) == 0)
			return 1;
	return 0;
}

int rw_notify_relevant(const rw_member *m, const rw_vendor_tree *tree, const rw_change *change)
{
	const char *vendor = change->event.vendor;
	int affiliates = change->affiliates;
	size_t i;

	if (m->jurisdictions.n > 0) {
		const char *j = change->jurisdiction;

		if (j[0] == '\0' || !rw_strvec_contains(&m->jurisdictions, j))
			return 0;
	}
	if (m->vendors.n == 0)
		return 1;
	if (vendor[0] == '\0')
		return 0;
	for (i = 0; i < m->vendors.n; i++) {
		const char *f = m->vendors.v[i];

		if (strcmp(f, vendor) == 0 || descends_from(tree, vendor, f) ||
		    (affiliates && descends_from(tree, f, vendor)))
			return 1;
	}
	return 0;
}

int rw_notify_reaches(const rw_vendor_tree *tree, const char *changed, int affiliates, const char *asset_vendor)
{
	if (changed[0] == '\0' || asset_vendor == NULL)
		return 0;
	return strcmp(changed, asset_vendor) == 0 || (affiliates && descends_from(tree, asset_vendor, changed));
}
