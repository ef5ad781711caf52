/* Set-up shared by the commands that write the history: the dictionary and the baseline. */
#include <string.h>

#include "cli.h"

int cli_dictionary_load(cli *c, cli_dictionary *d)
{
	int rc;

	rc = rw_dict_load(&c->ctx, &d->dict, c->feeds.vendors_path);
	if (rc == 0)
		rc = rw_regimes_load(&c->ctx, &d->regimes, c->feeds.regimes_path, &d->dict);
	if (rc == 0)
		rc = rw_feeds_check_regimes(&c->ctx, &c->feeds, &d->regimes);
	if (rc == 0)
		rc = rw_read_file(&c->ctx, &d->dict_text, c->feeds.vendors_path, 16u << 20);
	if (rc == 0)
		rc = rw_read_file(&c->ctx, &d->regimes_text, c->feeds.regimes_path, 16u << 20);
	return rc < 0 ? cli_fail(c, rc == RW_EIO ? RW_ECONFIG : rc) : EXIT_OK;
}

void cli_dictionary_release(cli_dictionary *d)
{
	rw_dict_release(&d->dict);
	rw_regimes_release(&d->regimes);
	rw_buf_release(&d->dict_text);
	rw_buf_release(&d->regimes_text);
}

void cli_update_opts(cli *c, const cli_dictionary *d, rw_update_opts *uo)
{
	memset(uo, 0, sizeof(*uo));
	uo->data_dir = c->data_dir;
	uo->feeds = &c->feeds;
	uo->dict = &d->dict;
	uo->regimes = &d->regimes;
	uo->dict_text = rw_buf_cstr(&d->dict_text);
	uo->dict_len = d->dict_text.len;
	uo->regimes_text = rw_buf_cstr(&d->regimes_text);
	uo->regimes_len = d->regimes_text.len;
}
