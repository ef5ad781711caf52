/* regimes.conf: the regimes and the curated baseline of events. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_int.h"
#include "regwatch/dates.h"
#include "regwatch/url.h"

static const struct key_def regime_keys[] = {
	KEY(rw_regime, "jurisdiction", KT_STR, jurisdiction),
	KEY(rw_regime, "title", KT_STR, title),
	KEY(rw_regime, "instrument", KT_STR, instrument),
	KEY(rw_regime, "evidence", KT_STR, evidence),
	KEY(rw_regime, "coversAffiliates", KT_BOOL, covers_affiliates),
	KEY_END
};

static const struct key_def event_keys[] = {
	KEY(rw_event, "vendor", KT_STR, vendor),
	KEY(rw_event, "regime", KT_STR, regime),
	KEY(rw_event, "status", KT_STR, status),
	KEY(rw_event, "since", KT_STR, since),
	KEY(rw_event, "until", KT_STR, until),
	KEY(rw_event, "citation", KT_STR, citation),
	KEY(rw_event, "evidence", KT_STR, evidence),
	KEY(rw_event, "confidence", KT_STR, confidence),
	KEY(rw_event, "note", KT_STR, note),
	KEY(rw_event, "provision", KT_STR, provision),
	KEY(rw_event, "evidenceKind", KT_STR, evidence_kind),
	KEY_END
};

static const struct section_def regimes_defs[] = {
	{"regime", 1, regime_keys},
	{"event", 1, event_keys},
	{NULL, 0, NULL}
};
enum { REGIMES_REGIME, REGIMES_EVENT };

/* ---- regimes.conf ---- */

static int regime_validate(struct conf *c, const rw_regime *g)
{
	const struct section_def *def = &regimes_defs[REGIMES_REGIME];
	const char *j = g->jurisdiction;
	int rc;

	if (j == NULL)
		return rw_conf_error(c, def, g->id, "missing key 'jurisdiction'");
	if (strlen(j) != 2 || j[0] < 'A' || j[0] > 'Z' || j[1] < 'A' || j[1] > 'Z')
		return rw_conf_error(c, def, g->id, "key 'jurisdiction': not a two-letter upper case code");
	if (strncasecmp(j, g->id, 2) != 0)
		return rw_conf_error(c, def, g->id, "key 'jurisdiction': '%s' does not match the id's prefix '%.2s'", j,
				  g->id);
	if (g->title == NULL)
		return rw_conf_error(c, def, g->id, "missing key 'title'");
	if (g->instrument == NULL)
		return rw_conf_error(c, def, g->id, "missing key 'instrument'");
	if (g->evidence == NULL)
		return rw_conf_error(c, def, g->id, "missing key 'evidence'");
	if ((rc = rw_conf_url_key_ok(c, def, g->id, "evidence", g->evidence, "https http",
				      RW_URL_NO_SPACES)) < 0)
		return rc;
	return 0;
}

static int event_validate(struct conf *c, const rw_regimes *r, const rw_dict *dict, const rw_event *e)
{
	const struct section_def *def = &regimes_defs[REGIMES_EVENT];
	static const char *const required[] = {"vendor", "regime", "status", "since", "citation", "evidence",
					       "confidence"};
	const char *values[NELEM(required)];
	size_t i;
	int rc;

	values[0] = e->vendor;
	values[1] = e->regime;
	values[2] = e->status;
	values[3] = e->since;
	values[4] = e->citation;
	values[5] = e->evidence;
	values[6] = e->confidence;
	for (i = 0; i < NELEM(required); i++)
		if (values[i] == NULL)
			return rw_conf_error(c, def, e->id, "missing key '%s'", required[i]);
	if (dict ? rw_dict_find(dict, e->vendor) == NULL : !rw_conf_id_ok(e->vendor, NULL))
		return rw_conf_error(c, def, e->id, "key 'vendor': unknown vendor '%s'", e->vendor);
	if (rw_regimes_find(r, e->regime) == NULL)
		return rw_conf_error(c, def, e->id, "key 'regime': unknown regime '%s'", e->regime);
	if (rw_status_rank(e->status) < 0)
		return rw_conf_error(c, def, e->id, "key 'status': unknown status '%s'", e->status);
	if (!rw_date_valid(e->since))
		return rw_conf_error(c, def, e->id, "key 'since': not a real date (YYYY-MM-DD): '%s'", e->since);
	if (e->until && !rw_date_valid(e->until))
		return rw_conf_error(c, def, e->id, "key 'until': not a real date (YYYY-MM-DD): '%s'", e->until);
	if (e->until && strcmp(e->until, e->since) <= 0)
		return rw_conf_error(c, def, e->id, "key 'until': '%s' is not after since '%s'", e->until, e->since);
	if ((rc = rw_conf_url_key_ok(c, def, e->id, "evidence", e->evidence, "https http",
				      RW_URL_NO_SPACES)) < 0)
		return rc;
	if (strcmp(e->confidence, "H") != 0 && strcmp(e->confidence, "M") != 0 && strcmp(e->confidence, "L") != 0)
		return rw_conf_error(c, def, e->id, "key 'confidence': must be H, M or L");
	if (e->evidence_kind && strcmp(e->evidence_kind, "primary") != 0 && strcmp(e->evidence_kind, "secondary") != 0)
		return rw_conf_error(c, def, e->id, "key 'evidenceKind': must be primary or secondary");
	/* Secondary evidence is kept only with the reason in the note and a confidence below H. */
	if (e->evidence_kind && strcmp(e->evidence_kind, "secondary") == 0 && e->note == NULL)
		return rw_conf_error(c, def, e->id, "key 'evidenceKind': secondary evidence needs a note saying why");
	if (e->evidence_kind && strcmp(e->evidence_kind, "secondary") == 0 && strcmp(e->confidence, "H") == 0)
		return rw_conf_error(c, def, e->id, "key 'confidence': H with secondary evidence");
	if (e->provision && (e->provision[0] == '\0' || strlen(e->provision) > 40))
		return rw_conf_error(c, def, e->id, "key 'provision': empty or longer than 40 characters");
	return 0;
}

static int load_regimes(struct conf *c, rw_regimes *r)
{
	const struct section_def *def = &regimes_defs[REGIMES_REGIME];
	const rw_strvec *ids = &c->subs[REGIMES_REGIME];
	size_t i;
	int rc = 0;

	if (ids->n == 0)
		return 0;
	r->regimes = calloc(ids->n, sizeof(*r->regimes));
	if (r->regimes == NULL)
		return rw_conf_out_of_memory(c->ctx);
	r->nregimes = ids->n;
	for (i = 0; i < ids->n && rc == 0; i++) {
		rw_regime *g = &r->regimes[i];

		g->id = rw_strdup(ids->v[i]);
		if (g->id == NULL)
			return rw_conf_out_of_memory(c->ctx);
		if (strlen(g->id) < 4 || g->id[2] != '.' || !rw_conf_id_ok(g->id, "."))
			return rw_conf_error(c, def, g->id, "id must be a jurisdiction prefix and a slug, like 'us.ndaa-889'");
		rc = rw_conf_read(c, def, g->id, g);
		if (rc == 0)
			rc = regime_validate(c, g);
	}
	return rc;
}

static int load_events(struct conf *c, rw_regimes *r, const rw_dict *dict)
{
	const struct section_def *def = &regimes_defs[REGIMES_EVENT];
	const rw_strvec *ids = &c->subs[REGIMES_EVENT];
	size_t i;
	int rc = 0;

	if (ids->n == 0)
		return 0;
	r->events = calloc(ids->n, sizeof(*r->events));
	if (r->events == NULL)
		return rw_conf_out_of_memory(c->ctx);
	r->nevents = ids->n;
	for (i = 0; i < ids->n && rc == 0; i++) {
		rw_event *e = &r->events[i];

		e->id = rw_strdup(ids->v[i]);
		if (e->id == NULL)
			return rw_conf_out_of_memory(c->ctx);
		if (!rw_conf_id_ok(e->id, "._"))
			return rw_conf_error(c, def, e->id, "id must be lower case letters, digits, '-', '_' or '.'");
		rc = rw_conf_read(c, def, e->id, e);
		if (rc == 0)
			rc = event_validate(c, r, dict, e);
	}
	return rc;
}

int rw_regimes_load(rw_ctx *ctx, rw_regimes *out, const char *path, const rw_dict *dict)
{
	struct conf c;
	rw_regimes r;
	int rc;

	memset(&r, 0, sizeof(r));
	memset(out, 0, sizeof(*out));
	rc = rw_conf_open(ctx, &c, path, regimes_defs);
	if (rc == 0 && (r.path = rw_strdup(path)) == NULL)
		rc = rw_conf_out_of_memory(ctx);
	if (rc == 0)
		rc = load_regimes(&c, &r);
	if (rc == 0)
		rc = load_events(&c, &r, dict);
	rw_conf_close(&c);
	if (rc < 0) {
		rw_regimes_release(&r);
		return rc;
	}
	*out = r;
	return 0;
}
