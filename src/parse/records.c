/* Record vectors: what every parser appends to, bounded in count. */
#include <stdlib.h>
#include <string.h>

#include "regwatch/array.h"
#include "regwatch/parse.h"

int rw_records_add(rw_ctx *ctx, rw_records *rs, const char *source, rw_record **out)
{
	rw_record *r;

	*out = NULL;
	if (source == NULL)
		source = "?";
	if (rs->n >= RW_RECORDS_MAX)
		return rw_error(ctx, RW_ELIMIT, "source '%s': more than %u records", source, RW_RECORDS_MAX);
	if (rw_array_grow((void **)&rs->v, &rs->cap, rs->n + 1, sizeof(*rs->v)) < 0)
		return rw_error(ctx, RW_ENOMEM, "source '%s': out of memory", source);
	r = &rs->v[rs->n++];
	memset(r, 0, sizeof(*r));
	*out = r;
	return 0;
}

static void record_release(rw_record *r)
{
	free(r->entity);
	free(r->date);
	rw_strvec_release(&r->updates);
	free(r->title);
	free(r->link);
	free(r->text);
	free(r->list);
	free(r->effective);
	free(r->uid);
	rw_strvec_release(&r->aliases);
	memset(r, 0, sizeof(*r));
}

void rw_records_truncate(rw_records *rs, size_t from)
{
	while (rs->n > from)
		record_release(&rs->v[--rs->n]);
}

void rw_records_release(rw_records *rs)
{
	rw_records_truncate(rs, 0);
	free(rs->v);
	rs->v = NULL;
	rs->n = 0;
	rs->cap = 0;
	rs->degraded = 0;
}
