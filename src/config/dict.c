/* vendors.conf: the vendor dictionary and the links between vendors. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_int.h"
#include "regwatch/url.h"

static const struct key_def vendor_keys[] = {
	KEY(rw_vendor, "name", KT_STR, name),
	KEY(rw_vendor, "parent", KT_STR, parent),
	KEY(rw_vendor, "legalName", KT_MULTI, names),
	KEY(rw_vendor, "alias", KT_MULTI, aliases),
	KEY(rw_vendor, "brand", KT_MULTI, brands),
	KEY(rw_vendor, "claimedBrand", KT_MULTI, claimed_brands),
	KEY(rw_vendor, "affiliate", KT_MULTI, affiliates),
	KEY(rw_vendor, "chipset", KT_MULTI, chipsets),
	KEY(rw_vendor, "claimedChipset", KT_MULTI, claimed_chipsets),
	KEY(rw_vendor, "modelPrefix", KT_MULTI, models),
	KEY(rw_vendor, "claimedModelPrefix", KT_MULTI, claimed_models),
	KEY_END
};

static const struct key_def link_keys[] = {
	KEY(rw_link, "vendor", KT_STR, vendor),
	KEY(rw_link, "name", KT_MULTI, names),
	KEY(rw_link, "kind", KT_STR, kind),
	KEY(rw_link, "since", KT_STR, since),
	KEY(rw_link, "until", KT_STR, until),
	KEY(rw_link, "confidence", KT_STR, confidence),
	KEY(rw_link, "evidence", KT_STR, evidence),
	KEY(rw_link, "note", KT_STR, note),
	KEY_END
};

static const struct section_def dict_defs[] = {
	{"vendor", 1, vendor_keys},
	{"link", 1, link_keys},
	{NULL, 0, NULL}
};
enum { DICT_VENDOR, DICT_LINK };

static const char *const link_kinds[] = {
	"subsidiary", "affiliate", "brand", "oem", "white-label", "successor"
};

static const char *const link_confidences[] = {"verified", "corroborated", "claimed"};

/* ---- vendors.conf ---- */

static const rw_vendor *find_vendor(const rw_vendor *v, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

/* A parent chain that comes back to v: "a -> b -> a". */
static int check_cycle(struct conf *c, const rw_dict *d, const rw_vendor *v)
{
	const struct section_def *def = &dict_defs[DICT_VENDOR];
	const rw_vendor *p = v;
	rw_buf chain = RW_BUF_INIT;
	size_t steps;
	int rc = 0, cycle = 0;

	/* Parents are known to exist; a chain longer than the dictionary loops elsewhere. */
	for (steps = 0; p != NULL && p->parent != NULL && steps < d->n && !cycle; steps++) {
		p = find_vendor(d->vendors, d->n, p->parent);
		cycle = p == v;
	}
	if (!cycle)
		return 0;
	rc = rw_buf_puts(&chain, v->id);
	while (rc == 0) {
		p = find_vendor(d->vendors, d->n, p->parent);
		if (p == NULL)
			break;
		rc = rw_buf_printf(&chain, " -> %s", p->id);
		if (p == v)
			break;
	}
	if (rc < 0)
		rc = rw_conf_out_of_memory(c->ctx);
	else
		rc = rw_conf_error(c, def, v->id, "key 'parent': cycle %s", rw_buf_cstr(&chain));
	rw_buf_release(&chain);
	return rc;
}

/* A legal name, alias or affiliate may denote one vendor only. */
static int check_names_unique(struct conf *c, const rw_dict *d)
{
	static const char *const keys[] = {"legalName", "alias", "affiliate"};
	size_t i, j, a, b, x, y;

	for (j = 0; j < d->n; j++) {
		const rw_vendor *vj = &d->vendors[j];
		const rw_strvec *sj[3] = {&vj->names, &vj->aliases, &vj->affiliates};

		for (a = 0; a < 3; a++)
			for (x = 0; x < sj[a]->n; x++)
				for (i = 0; i < j; i++) {
					const rw_vendor *vi = &d->vendors[i];
					const rw_strvec *si[3] = {&vi->names, &vi->aliases, &vi->affiliates};

					for (b = 0; b < 3; b++)
						for (y = 0; y < si[b]->n; y++)
							if (strcasecmp(sj[a]->v[x], si[b]->v[y]) == 0)
								return rw_conf_error(c, &dict_defs[DICT_VENDOR], vj->id,
										  "key '%s': '%s' is already a name of vendor '%s'",
										  keys[a], sj[a]->v[x], vi->id);
				}
	}
	return 0;
}

static int dict_vendors(struct conf *c, rw_dict *d)
{
	const struct section_def *def = &dict_defs[DICT_VENDOR];
	const rw_strvec *ids = &c->subs[DICT_VENDOR];
	size_t i;
	int rc = 0;

	if (ids->n == 0)
		return 0;
	d->vendors = calloc(ids->n, sizeof(*d->vendors));
	if (d->vendors == NULL)
		return rw_conf_out_of_memory(c->ctx);
	d->n = ids->n;
	for (i = 0; i < ids->n && rc == 0; i++) {
		rw_vendor *v = &d->vendors[i];

		v->id = rw_strdup(ids->v[i]);
		if (v->id == NULL)
			return rw_conf_out_of_memory(c->ctx);
		if (!rw_conf_id_ok(v->id, NULL))
			return rw_conf_error(c, def, v->id, "id must be lower case letters, digits and '-'");
		rc = rw_conf_read(c, def, v->id, v);
		if (rc == 0 && v->name == NULL)
			rc = rw_conf_error(c, def, v->id, "missing key 'name'");
	}
	for (i = 0; i < d->n && rc == 0; i++) {
		const rw_vendor *v = &d->vendors[i];

		if (v->parent && find_vendor(d->vendors, d->n, v->parent) == NULL)
			rc = rw_conf_error(c, def, v->id, "key 'parent': unknown vendor '%s'", v->parent);
	}
	for (i = 0; i < d->n && rc == 0; i++)
		rc = check_cycle(c, d, &d->vendors[i]);
	if (rc == 0)
		rc = check_names_unique(c, d);
	return rc;
}

static int link_validate(struct conf *c, const rw_dict *d, const rw_link *l)
{
	const struct section_def *def = &dict_defs[DICT_LINK];
	int rc;

	if (l->vendor == NULL)
		return rw_conf_error(c, def, l->id, "missing key 'vendor'");
	if (find_vendor(d->vendors, d->n, l->vendor) == NULL)
		return rw_conf_error(c, def, l->id, "key 'vendor': unknown vendor '%s'", l->vendor);
	if (l->names.n == 0)
		return rw_conf_error(c, def, l->id, "missing key 'name'");
	if (l->kind == NULL)
		return rw_conf_error(c, def, l->id, "missing key 'kind'");
	if (!rw_conf_word_in(l->kind, link_kinds, NELEM(link_kinds)))
		return rw_conf_error(c, def, l->id,
				  "key 'kind': unknown kind '%s' (subsidiary, affiliate, brand, oem, white-label, successor)",
				  l->kind);
	if (l->since && !rw_conf_partial_date_ok(l->since))
		return rw_conf_error(c, def, l->id, "key 'since': not a date (YYYY-MM-DD, YYYY-MM or YYYY): '%s'", l->since);
	if (l->until && !rw_conf_partial_date_ok(l->until))
		return rw_conf_error(c, def, l->id, "key 'until': not a date (YYYY-MM-DD, YYYY-MM or YYYY): '%s'", l->until);
	if (l->since && l->until && !rw_conf_partial_after(l->until, l->since))
		return rw_conf_error(c, def, l->id, "key 'until': '%s' is not after since '%s'", l->until, l->since);
	if (l->confidence == NULL)
		return rw_conf_error(c, def, l->id, "missing key 'confidence'");
	if (!rw_conf_word_in(l->confidence, link_confidences, NELEM(link_confidences)))
		return rw_conf_error(c, def, l->id, "key 'confidence': must be verified, corroborated or claimed");
	if (l->evidence == NULL)
		return rw_conf_error(c, def, l->id, "missing key 'evidence'");
	if ((rc = rw_conf_url_key_ok(c, def, l->id, "evidence", l->evidence, "https http",
				      RW_URL_NO_SPACES)) < 0)
		return rc;
	return 0;
}

static int dict_links(struct conf *c, rw_dict *d)
{
	const struct section_def *def = &dict_defs[DICT_LINK];
	const rw_strvec *ids = &c->subs[DICT_LINK];
	size_t i;
	int rc = 0;

	if (ids->n == 0)
		return 0;
	d->links = calloc(ids->n, sizeof(*d->links));
	if (d->links == NULL)
		return rw_conf_out_of_memory(c->ctx);
	d->nlinks = ids->n;
	for (i = 0; i < ids->n && rc == 0; i++) {
		rw_link *l = &d->links[i];

		l->id = rw_strdup(ids->v[i]);
		if (l->id == NULL)
			return rw_conf_out_of_memory(c->ctx);
		if (!rw_conf_id_ok(l->id, NULL))
			return rw_conf_error(c, def, l->id, "id must be lower case letters, digits and '-'");
		rc = rw_conf_read(c, def, l->id, l);
		if (rc == 0)
			rc = link_validate(c, d, l);
	}
	return rc;
}

int rw_dict_load(rw_ctx *ctx, rw_dict *out, const char *path)
{
	struct conf c;
	rw_dict d;
	int rc;

	memset(&d, 0, sizeof(d));
	memset(out, 0, sizeof(*out));
	rc = rw_conf_open(ctx, &c, path, dict_defs);
	if (rc == 0 && (d.path = rw_strdup(path)) == NULL)
		rc = rw_conf_out_of_memory(ctx);
	if (rc == 0)
		rc = dict_vendors(&c, &d);
	if (rc == 0)
		rc = dict_links(&c, &d);
	rw_conf_close(&c);
	if (rc < 0) {
		rw_dict_release(&d);
		return rc;
	}
	*out = d;
	return 0;
}
