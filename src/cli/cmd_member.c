/*
 * regwatch member add EMAIL [--vendor ID]... [--jurisdiction CODE]... [--inventory FILE] [--webhook URL]
 * regwatch member list [--json]
 * regwatch member remove EMAIL
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "regwatch/inventory.h"
#include "regwatch/members.h"
#include "regwatch/notify.h"
#include "regwatch/update.h"

/* Opens the database for writing, creating the data directory and the file if needed. */
static int open_write(cli *c, rw_db **db)
{
	char *path = NULL;
	int rc;

	rc = rw_data_dir_prepare(&c->ctx, c->data_dir);
	if (rc == 0) {
		path = rw_data_path(c->data_dir, "regwatch.db");
		rc = path ? rw_db_open(&c->ctx, db, path, RW_DB_WRITE) : rw_error(&c->ctx, RW_ENOMEM, "out of memory");
	}
	free(path);
	return rc;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d[65];

	if (la > 64 || lb > 64)
		return 64;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		size_t prev = d[0];

		d[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t tmp = d[j], best = prev + (a[i - 1] != b[j - 1]);

			if (d[j] + 1 < best)
				best = d[j] + 1;
			if (d[j - 1] + 1 < best)
				best = d[j - 1] + 1;
			d[j] = best;
			prev = tmp;
		}
	}
	return d[lb];
}

static int unknown_vendor(cli *c, const rw_dict *dict, const char *id)
{
	rw_buf near = RW_BUF_INIT;
	size_t i;
	int status;

	for (i = 0; i < dict->n; i++)
		if (edit_distance(id, dict->vendors[i].id) <= 2)
			rw_buf_printf(&near, "%s'%s'", near.len ? ", " : "", dict->vendors[i].id);
	status = cli_usage(c, "member", "--vendor: unknown vendor '%s' (%s%s)", id,
			   near.len ? "closest: " : "see 'regwatch vendors'", rw_buf_cstr(&near));
	rw_buf_release(&near);
	return status;
}

/* The jurisdictions regimes.conf names, sorted. */
static int known_jurisdictions(const rw_regimes *r, rw_strvec *out)
{
	size_t i;

	for (i = 0; i < r->nregimes; i++)
		if (!rw_strvec_contains(out, r->regimes[i].jurisdiction) &&
		    rw_strvec_push(out, r->regimes[i].jurisdiction) < 0)
			return RW_ENOMEM;
	rw_strvec_sort(out);
	return 0;
}

/* Reads and checks an inventory; prints its problems as warnings. */
static int read_inventory(cli *c, rw_member *m, const char *path, size_t *assets)
{
	rw_buf text = RW_BUF_INIT;
	rw_inventory inv;
	size_t i;
	int rc, status = EXIT_OK;

	rw_inventory_init(&inv);
	rc = rw_read_file(&c->ctx, &text, path, RW_MEMBER_INVENTORY_MAX);
	if (rc < 0) {
		fprintf(stderr, "%s: member: --inventory: %s\n", c->prog, rw_errmsg(&c->ctx));
		status = EXIT_USAGE;
		goto out;
	}
	if (memchr(rw_buf_cstr(&text), '\0', text.len) != NULL) {
		fprintf(stderr, "%s: member: --inventory '%s': not a text file (it holds NUL bytes)\n", c->prog, path);
		status = EXIT_USAGE;
		goto out;
	}
	rc = rw_inventory_parse(&c->ctx, &inv, path, rw_buf_cstr(&text), text.len);
	if (rc < 0) {
		fprintf(stderr, "%s: member: --inventory: %s\n", c->prog, rw_errmsg(&c->ctx));
		status = EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < inv.problems.n; i++)
		if (!c->quiet)
			fprintf(stderr, "%s: warning: %s\n", c->prog, inv.problems.v[i]);
	if (inv.n == 0) {
		fprintf(stderr, "%s: member: --inventory '%s': no usable asset rows\n", c->prog, path);
		status = EXIT_USAGE;
		goto out;
	}
	*assets = inv.n;
	m->inventory_name = rw_strdup(path);
	m->inventory = rw_buf_detach(&text, NULL);
	if (m->inventory_name == NULL || m->inventory == NULL) {
		fprintf(stderr, "%s: out of memory\n", c->prog);
		status = EXIT_FAIL;
	}
out:
	rw_inventory_release(&inv);
	rw_buf_release(&text);
	return status;
}

static int member_add(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"vendor", required_argument, NULL, 'v'},
		{"jurisdiction", required_argument, NULL, 'j'},
		{"inventory", required_argument, NULL, 'i'},
		{"webhook", required_argument, NULL, 'w'},
		{NULL, 0, NULL, 0},
	};
	rw_member m;
	rw_dict dict = {0};
	rw_regimes regimes = {0};
	rw_strvec known = RW_STRVEC_INIT, vendors = RW_STRVEC_INIT, codes = RW_STRVEC_INIT;
	const char *inventory = NULL;
	rw_db *db = NULL;
	rw_buf out = RW_BUF_INIT;
	size_t i, assets = 0;
	int o, rc, replaced = 0, status = EXIT_OK;

	memset(&m, 0, sizeof(m));
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'v') {
			rc = rw_strvec_push(&vendors, optarg);
		} else if (o == 'j') {
			rc = rw_strvec_push(&codes, optarg);
		} else if (o == 'i') {
			inventory = optarg;
			rc = 0;
		} else if (o == 'w') {
			rw_str_replace(&m.webhook, rw_strdup(optarg));
			rc = m.webhook ? 0 : RW_ENOMEM;
		} else {
			status = cli_usage(c, "member", "unknown option");
			goto out;
		}
		if (rc < 0) {
			status = cli_fail(c, rw_error(&c->ctx, RW_ENOMEM, "out of memory"));
			goto out;
		}
	}
	if (optind + 1 != argc) {
		status = cli_usage(c, "member", optind >= argc ? "add: missing EMAIL" : "add: one EMAIL at a time");
		goto out;
	}
	if (rw_member_email_check(&c->ctx, argv[optind]) < 0) {
		status = cli_usage(c, "member", "%s", rw_errmsg(&c->ctx));
		goto out;
	}
	m.email = rw_strdup(argv[optind]);
	if (m.webhook && rw_member_webhook_check(&c->ctx, m.webhook) < 0) {
		status = cli_usage(c, "member", "--webhook: %s", rw_errmsg(&c->ctx));
		goto out;
	}
	rc = rw_dict_load(&c->ctx, &dict, c->feeds.vendors_path);
	if (rc == 0)
		rc = rw_regimes_load(&c->ctx, &regimes, c->feeds.regimes_path, &dict);
	if (rc == 0)
		rc = known_jurisdictions(&regimes, &known);
	if (rc < 0) {
		status = cli_fail(c, rc == RW_EIO ? RW_ECONFIG : rc);
		goto out;
	}
	for (i = 0; i < vendors.n; i++) {
		if (rw_dict_find(&dict, vendors.v[i]) == NULL) {
			status = unknown_vendor(c, &dict, vendors.v[i]);
			goto out;
		}
		if (!rw_strvec_contains(&m.vendors, vendors.v[i]) && rw_strvec_push(&m.vendors, vendors.v[i]) < 0) {
			status = cli_fail(c, rw_error(&c->ctx, RW_ENOMEM, "out of memory"));
			goto out;
		}
	}
	for (i = 0; i < codes.n; i++) {
		char *p, *code = rw_strdup(codes.v[i]);

		for (p = code; p && *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		if (code == NULL || !rw_strvec_contains(&known, code)) {
			rw_buf list = RW_BUF_INIT;
			size_t k;

			for (k = 0; k < known.n; k++)
				rw_buf_printf(&list, "%s%s", k ? ", " : "", known.v[k]);
			status = cli_usage(c, "member", "--jurisdiction: unknown jurisdiction '%s' (known: %s)", codes.v[i],
					   rw_buf_cstr(&list));
			rw_buf_release(&list);
			free(code);
			goto out;
		}
		if (rw_strvec_contains(&m.jurisdictions, code))
			free(code);
		else if (rw_strvec_push_owned(&m.jurisdictions, code) < 0) {
			status = cli_fail(c, rw_error(&c->ctx, RW_ENOMEM, "out of memory"));
			goto out;
		}
	}
	rw_strvec_sort(&m.vendors);
	rw_strvec_sort(&m.jurisdictions);
	if (inventory) {
		status = read_inventory(c, &m, inventory, &assets);
		if (status != EXIT_OK)
			goto out;
	}
	rc = open_write(c, &db);
	if (rc == 0)
		rc = rw_db_member_put(&c->ctx, db, &m, &replaced);
	if (rc < 0) {
		status = cli_fail(c, rc);
		goto out;
	}
	rw_buf_printf(&out, "member %s %s: ", m.email, replaced ? "updated" : "added");
	if (m.vendors.n == 0)
		rw_buf_puts(&out, "every vendor");
	for (i = 0; i < m.vendors.n; i++)
		rw_buf_printf(&out, "%s%s", i ? ", " : "vendors ", m.vendors.v[i]);
	if (m.jurisdictions.n == 0)
		rw_buf_puts(&out, "; every jurisdiction");
	for (i = 0; i < m.jurisdictions.n; i++)
		rw_buf_printf(&out, "%s%s", i ? ", " : "; jurisdictions ", m.jurisdictions.v[i]);
	if (inventory)
		rw_buf_printf(&out, "; inventory '%s' (%zu %s)", inventory, assets, assets == 1 ? "asset" : "assets");
	if (m.webhook) {
		char *shown = rw_url_for_messages(m.webhook);

		rw_buf_printf(&out, "; notified by webhook %s\n", shown ? shown : "");
		free(shown);
	} else {
		rw_buf_puts(&out, "; notified by email\n");
	}
	if (!c->quiet)
		status = cli_print(c, rw_buf_cstr(&out), out.len);
out:
	rw_member_release(&m);
	rw_dict_release(&dict);
	rw_regimes_release(&regimes);
	rw_strvec_release(&known);
	rw_strvec_release(&vendors);
	rw_strvec_release(&codes);
	rw_buf_release(&out);
	rw_db_close(db);
	return status;
}

static size_t inventory_assets(rw_ctx *ctx, const rw_member *m)
{
	rw_inventory inv;
	size_t n = 0;

	if (m->inventory == NULL)
		return 0;
	rw_inventory_init(&inv);
	if (rw_inventory_parse(ctx, &inv, m->inventory_name ? m->inventory_name : "inventory", m->inventory,
			       strlen(m->inventory)) == 0)
		n = inv.n;
	rw_clear_error(ctx);
	rw_inventory_release(&inv);
	return n;
}

static int join(rw_buf *b, const rw_strvec *sv, const char *none)
{
	size_t i;
	int rc = 0;

	if (sv->n == 0)
		return rw_buf_puts(b, none);
	for (i = 0; i < sv->n && rc == 0; i++)
		rc = rw_buf_printf(b, "%s%s", i ? "," : "", sv->v[i]);
	return rc;
}

enum { ML_EMAIL, ML_VENDORS, ML_JURISDICTIONS, ML_INVENTORY, ML_NOTIFIED, ML_ADDED, ML_NCOLS };

static int member_list(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
	static const cli_column cols[] = {
		{"EMAIL", ML_EMAIL}, {"VENDORS", ML_VENDORS}, {"JURISDICTIONS", ML_JURISDICTIONS},
		{"INVENTORY", ML_INVENTORY}, {"NOTIFIED BY", ML_NOTIFIED}, {"SINCE", ML_ADDED},
	};
	rw_members ms = {0};
	rw_db *db = NULL;
	char *path = NULL;
	rw_table t;
	rw_buf doc = RW_BUF_INIT;
	rw_json j;
	size_t i, k;
	int o, rc, json = 0, status = EXIT_OK;

	rw_table_init(&t, ML_NCOLS);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'j') {
			status = cli_usage(c, "member", "unknown option");
			goto out;
		}
		json = 1;
	}
	if (optind < argc) {
		status = cli_usage(c, "member", "list: unexpected argument '%s'", argv[optind]);
		goto out;
	}
	path = rw_data_path(c->data_dir, "regwatch.db");
	rc = path ? rw_db_open(&c->ctx, &db, path, RW_DB_READ) : rw_error(&c->ctx, RW_ENOMEM, "out of memory");
	if (rc == 0)
		rc = rw_db_members(&c->ctx, db, &ms);
	if (rc == RW_ENOTFOUND)
		rc = 0; /* no database yet: no members */
	if (rc < 0) {
		status = cli_fail(c, rc);
		goto out;
	}
	if (json) {
		rw_json_init(&j, &doc);
		rw_json_object(&j, NULL);
		rw_json_array(&j, "members");
		for (i = 0; i < ms.n; i++) {
			const rw_member *m = &ms.v[i];
			char *shown = m->webhook ? rw_url_for_messages(m->webhook) : NULL;

			rw_json_object(&j, NULL);
			rw_json_str(&j, "email", m->email);
			rw_json_array(&j, "vendors");
			for (k = 0; k < m->vendors.n; k++)
				rw_json_str(&j, NULL, m->vendors.v[k]);
			rw_json_end(&j);
			rw_json_array(&j, "jurisdictions");
			for (k = 0; k < m->jurisdictions.n; k++)
				rw_json_str(&j, NULL, m->jurisdictions.v[k]);
			rw_json_end(&j);
			if (m->inventory) {
				rw_json_object(&j, "inventory");
				rw_json_str(&j, "name", m->inventory_name);
				rw_json_int(&j, "assets", (long)inventory_assets(&c->ctx, m));
				rw_json_end(&j);
			} else {
				rw_json_null(&j, "inventory");
			}
			rw_json_str(&j, "channel", m->webhook ? "webhook" : "email");
			rw_json_str(&j, "webhook", shown);
			rw_json_str(&j, "added_at", m->added_at);
			rw_json_str(&j, "updated_at", m->updated_at);
			rw_json_end(&j);
			free(shown);
		}
		rw_json_end(&j);
		rw_json_end(&j);
		status = rw_json_finish(&j) == 0 ? cli_print_json(c, &doc) : EXIT_FAIL;
		goto out;
	}
	for (i = 0; i < ms.n; i++) {
		const rw_member *m = &ms.v[i];
		rw_buf f[ML_NCOLS] = {RW_BUF_INIT, RW_BUF_INIT, RW_BUF_INIT, RW_BUF_INIT, RW_BUF_INIT, RW_BUF_INIT};
		const char *fields[ML_NCOLS];
		char *shown = m->webhook ? rw_url_for_messages(m->webhook) : NULL;

		rw_buf_puts(&f[ML_EMAIL], m->email);
		join(&f[ML_VENDORS], &m->vendors, "all");
		join(&f[ML_JURISDICTIONS], &m->jurisdictions, "all");
		if (m->inventory)
			rw_buf_printf(&f[ML_INVENTORY], "%s (%zu)", m->inventory_name ? m->inventory_name : "-",
				      inventory_assets(&c->ctx, m));
		rw_buf_printf(&f[ML_NOTIFIED], "%s%s", m->webhook ? "webhook " : "email", shown ? shown : "");
		rw_buf_printf(&f[ML_ADDED], "%.10s", m->added_at);
		for (k = 0; k < ML_NCOLS; k++)
			fields[k] = rw_buf_cstr(&f[k]);
		rc = rw_table_add(&t, fields);
		for (k = 0; k < ML_NCOLS; k++)
			rw_buf_release(&f[k]);
		free(shown);
		if (rc < 0) {
			status = cli_fail(c, rw_error(&c->ctx, RW_ENOMEM, "out of memory"));
			goto out;
		}
	}
	if (t.n == 0) {
		static const char none[] = "no members (add one with 'regwatch member add EMAIL')\n";

		if (!c->quiet)
			status = cli_print(c, none, sizeof(none) - 1);
		goto out;
	}
	status = cli_print_table(c, &t, cols, ML_NCOLS);
out:
	rw_members_release(&ms);
	rw_db_close(db);
	free(path);
	rw_table_release(&t);
	rw_buf_release(&doc);
	return status;
}

static int member_remove(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{NULL, 0, NULL, 0}};
	rw_db *db = NULL;
	rw_buf out = RW_BUF_INIT;
	long cancelled = 0;
	int o, rc, status = EXIT_OK;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		status = cli_usage(c, "member", "unknown option");
		goto out;
	}
	if (optind + 1 != argc) {
		status = cli_usage(c, "member", optind >= argc ? "remove: missing EMAIL" : "remove: one EMAIL at a time");
		goto out;
	}
	rc = open_write(c, &db);
	if (rc == 0)
		rc = rw_db_member_remove(&c->ctx, db, argv[optind], &cancelled);
	if (rc < 0) {
		status = cli_fail(c, rc);
		goto out;
	}
	rw_buf_printf(&out, "member %s removed", argv[optind]);
	if (cancelled > 0)
		rw_buf_printf(&out, "; %ld queued %s cancelled", cancelled,
			      cancelled == 1 ? "notification" : "notifications");
	rw_buf_putc(&out, '\n');
	if (!c->quiet)
		status = cli_print(c, rw_buf_cstr(&out), out.len);
out:
	rw_buf_release(&out);
	rw_db_close(db);
	return status;
}

int cmd_member(cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub == NULL)
		return cli_usage(c, "member", "missing subcommand (add, list or remove)");
	/* The subcommand parses its own options from its own name on. */
	if (strcmp(sub, "add") == 0)
		return member_add(c, argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0)
		return member_list(c, argc - 1, argv + 1);
	if (strcmp(sub, "remove") == 0)
		return member_remove(c, argc - 1, argv + 1);
	return cli_usage(c, "member", "unknown subcommand '%s' (add, list or remove)", sub);
}
