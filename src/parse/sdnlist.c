/*
 * OFAC sdnList XML (SDN.XML and CONSOLIDATED.XML). The files run past 100 MB,
 * so they are read with the streaming reader: one <sdnEntry> subtree is
 * expanded at a time, turned into a record, and freed when the reader moves
 * on. Elements are matched on their local names: the root's default
 * namespace has changed over the years (http://tempuri.org/sdnList.xsd, then
 * the Sanctions List Service address).
 *
 * Each sdnEntry becomes one RW_REC_ENTITY record: entity = lastName (after
 * firstName when there is one), list = the programs joined with ";", uid,
 * aliases from akaList, date and effective from the CMIC id rows
 * "Listing Date (CMIC)" and "Effective Date (CMIC)" ("DD Mon YYYY").
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "parse/parsers.h"
#include "regwatch/dates.h"

/* Never NOENT, DTDLOAD, DTDVALID, XINCLUDE or HUGE: untrusted input. */
#define SDN_XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
#define SDN_MAX_RECORDS 1000000

#define NS_LEGACY "http://tempuri.org/sdnList.xsd"
#define NS_CURRENT "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"

struct sdn {
	rw_ctx *ctx;
	const rw_source *src;
	const char *source;     /* the source's name, for messages */
	rw_records *recs;
	size_t first;           /* recs->n before this document */
	rw_buf val;             /* scratch: one element's text */
	rw_buf name;            /* scratch: a person's or alias's name */
	rw_buf list;            /* the programs of the current entry */
	rw_buf text;            /* the current entry's text */
	long entries;
	long record_count;      /* publshInformation/Record_Count, -1 when absent */
	char err[512];          /* first error reported by the parser */
	long err_line;
	int err_code;
};

/* Keeps the parser's first error (with its line) instead of printing it. */
static void sdn_error(void *arg, xmlErrorPtr e)
{
	struct sdn *st = arg;
	size_t n;

	if (e == NULL || st->err[0] != '\0' || e->level < XML_ERR_ERROR)
		return;
	snprintf(st->err, sizeof(st->err), "%s", e->message ? e->message : "XML error");
	n = strlen(st->err);
	while (n > 0 && (st->err[n - 1] == '\n' || st->err[n - 1] == ' '))
		st->err[--n] = '\0';
	/* libxml2 writes "Extra content ..."; messages here are lower case (but keep "XML ...") */
	if (st->err[0] >= 'A' && st->err[0] <= 'Z' && st->err[1] >= 'a' && st->err[1] <= 'z')
		st->err[0] = (char)(st->err[0] - 'A' + 'a');
	st->err_line = e->line;
	st->err_code = e->code;
}

static int name_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Appends s with white space runs (and U+00A0) collapsed to one space, no
   leading space when b is empty. */
static int put_collapsed(rw_buf *b, const char *str, int *space)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t j;
	int rc = 0;

	while (*s && rc == 0) {
		if (is_blank(*s) || (s[0] == 0xC2 && s[1] == 0xA0)) {
			*space = 1;
			s += *s == 0xC2 ? 2 : 1;
			continue;
		}
		if (*space && b->len > 0)
			rc = rw_buf_putc(b, ' ');
		*space = 0;
		for (j = 1; s[j] && !is_blank(s[j]) && !(s[j] == 0xC2 && s[j + 1] == 0xA0); j++)
			;
		if (rc == 0)
			rc = rw_buf_append(b, s, j);
		s += j;
	}
	return rc;
}

/* The collapsed text of element n (its text and CDATA children; nested
   elements and entity references are not followed) into st->val. */
static int elem_text(struct sdn *st, const xmlNode *n)
{
	const xmlNode *c;
	int space = 0, rc = 0;

	rw_buf_clear(&st->val);
	for (c = n->children; c && rc == 0; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			rc = put_collapsed(&st->val, (const char *)c->content, &space);
	if (rc == 0 && st->val.data == NULL)
		rc = rw_buf_append(&st->val, "", 0);
	return rc < 0 ? rw_error(st->ctx, RW_ENOMEM, "out of memory") : 0;
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
	const xmlNode *c;

	for (c = n->children; c; c = c->next)
		if (name_is(c, name))
			return c;
	return NULL;
}

static int has_element_children(const xmlNode *n)
{
	const xmlNode *c;

	for (c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return 1;
	return 0;
}

/* Appends " | " (unless first), label, ": " to the entry text. */
static int text_label(struct sdn *st, const char *label)
{
	int rc = 0;

	if (st->text.len > 0)
		rc = rw_buf_puts(&st->text, " | ");
	if (rc == 0)
		rc = rw_buf_puts(&st->text, label);
	if (rc == 0)
		rc = rw_buf_puts(&st->text, ": ");
	return rc;
}

/* "firstName lastName" of n (an sdnEntry or an aka) into st->name. */
static int person_name(struct sdn *st, const xmlNode *n)
{
	const xmlNode *first = child(n, "firstName"), *last = child(n, "lastName");
	int rc = 0;

	rw_buf_clear(&st->name);
	if (first) {
		rc = elem_text(st, first);
		if (rc == 0)
			rc = rw_buf_append(&st->name, st->val.data, st->val.len) < 0 ? RW_ENOMEM : 0;
	}
	if (rc == 0 && last) {
		rc = elem_text(st, last);
		if (rc == 0 && st->name.len > 0 && st->val.len > 0)
			rc = rw_buf_putc(&st->name, ' ') < 0 ? RW_ENOMEM : 0;
		if (rc == 0)
			rc = rw_buf_append(&st->name, st->val.data, st->val.len) < 0 ? RW_ENOMEM : 0;
	}
	if (rc == 0 && st->name.data == NULL)
		rc = rw_buf_append(&st->name, "", 0) < 0 ? RW_ENOMEM : 0;
	return rc < 0 ? rw_error(st->ctx, RW_ENOMEM, "out of memory") : 0;
}

/* One id row: "idType: idNumber (idCountry)" in the text; CMIC dates to the record. */
static int entry_id(struct sdn *st, const xmlNode *id, rw_record *r, const char *uid)
{
	const xmlNode *type = child(id, "idType"), *num = child(id, "idNumber"),
		      *country = child(id, "idCountry");
	char date[RW_DATE_LEN];
	char **slot = NULL;
	char *t = NULL;
	int rc;

	rc = elem_text(st, type ? type : id);
	if (rc < 0)
		return rc;
	t = rw_strdup(type ? rw_buf_cstr(&st->val) : "id");
	if (t == NULL)
		return rw_error(st->ctx, RW_ENOMEM, "out of memory");
	rc = text_label(st, t) < 0 ? RW_ENOMEM : 0;
	if (rc == 0 && num) {
		rc = elem_text(st, num);
		if (rc == 0 && rw_buf_append(&st->text, st->val.data, st->val.len) < 0)
			rc = RW_ENOMEM;
	}
	if (rc == 0 && num) {
		if (strcmp(t, "Listing Date (CMIC)") == 0)
			slot = &r->date;
		else if (strcmp(t, "Effective Date (CMIC)") == 0)
			slot = &r->effective;
		if (slot && *slot == NULL) {
			if (rw_date_parse_dmy(rw_buf_cstr(&st->val), date) == 0) {
				*slot = rw_strdup(date);
				if (*slot == NULL)
					rc = RW_ENOMEM;
			} else {
				rw_log(st->ctx, RW_LOG_WARN, "source '%s': entry %s: %s '%s' is not a date",
				       st->source, uid, t, rw_buf_cstr(&st->val));
			}
		}
	}
	if (rc == 0 && country) {
		rc = elem_text(st, country);
		if (rc == 0 && st->val.len > 0 &&
		    (rw_buf_puts(&st->text, " (") < 0 || rw_buf_append(&st->text, st->val.data, st->val.len) < 0 ||
		     rw_buf_putc(&st->text, ')') < 0))
			rc = RW_ENOMEM;
	}
	free(t);
	return rc == RW_ENOMEM ? rw_error(st->ctx, RW_ENOMEM, "out of memory") : rc;
}

/* One aka: "a.k.a.: NAME" in the text, NAME to the aliases. */
static int entry_aka(struct sdn *st, const xmlNode *aka, rw_record *r)
{
	const xmlNode *type = child(aka, "type");
	int rc;

	rc = person_name(st, aka);
	if (rc < 0 || st->name.len == 0)
		return rc;
	rc = elem_text(st, type ? type : aka);
	if (rc < 0)
		return rc;
	if (text_label(st, type && st->val.len ? rw_buf_cstr(&st->val) : "aka") < 0 ||
	    rw_buf_append(&st->text, st->name.data, st->name.len) < 0)
		return rw_error(st->ctx, RW_ENOMEM, "out of memory");
	if (strcmp(st->name.data, r->entity ? r->entity : "") != 0 &&
	    !rw_strvec_contains(&r->aliases, st->name.data) && rw_strvec_push(&r->aliases, st->name.data) < 0)
		return rw_error(st->ctx, RW_ENOMEM, "out of memory");
	return 0;
}

/* Any other list item (address, nationality, date of birth ...): "item: v1, v2, ..." without uids. */
static int entry_item(struct sdn *st, const xmlNode *item)
{
	const xmlNode *c;
	int first = 1, rc;

	if (text_label(st, (const char *)item->name) < 0)
		return rw_error(st->ctx, RW_ENOMEM, "out of memory");
	for (c = item->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || name_is(c, "uid") || name_is(c, "mainEntry"))
			continue;
		rc = elem_text(st, c);
		if (rc < 0)
			return rc;
		if (st->val.len == 0)
			continue;
		if ((!first && rw_buf_puts(&st->text, ", ") < 0) ||
		    rw_buf_append(&st->text, st->val.data, st->val.len) < 0)
			return rw_error(st->ctx, RW_ENOMEM, "out of memory");
		first = 0;
	}
	return 0;
}

static int entry_program(struct sdn *st, const xmlNode *p)
{
	int rc = elem_text(st, p);
	const char *v = rw_buf_cstr(&st->val);
	size_t n = st->val.len;
	const char *l = rw_buf_cstr(&st->list), *hit;

	if (rc < 0 || n == 0)
		return rc;
	/* no repeats in the list */
	for (hit = strstr(l, v); hit; hit = strstr(hit + 1, v))
		if ((hit == l || hit[-1] == ';') && (hit[n] == '\0' || hit[n] == ';'))
			return 0;
	if (text_label(st, "program") < 0 || rw_buf_append(&st->text, v, n) < 0 ||
	    (st->list.len > 0 && rw_buf_putc(&st->list, ';') < 0) || rw_buf_append(&st->list, v, n) < 0)
		return rw_error(st->ctx, RW_ENOMEM, "out of memory");
	return 0;
}

/* "NAME | rest" (or "NAME" when rest is empty), malloc'd. */
static char *join_text(const char *name, const rw_buf *rest)
{
	size_t n = strlen(name);
	char *t = malloc(n + 3 + rest->len + 1);

	if (t == NULL)
		return NULL;
	memcpy(t, name, n);
	if (rest->len > 0) {
		memcpy(t + n, " | ", 3);
		memcpy(t + n + 3, rest->data, rest->len);
		n += 3 + rest->len;
	}
	t[n] = '\0';
	return t;
}

static int sdn_entry(struct sdn *st, const xmlNode *entry)
{
	const xmlNode *c, *item, *uidn = child(entry, "uid");
	rw_record *r;
	char *uid = NULL;
	int rc = 0;

	if (st->recs->n - st->first >= SDN_MAX_RECORDS)
		return rw_error(st->ctx, RW_EPARSE, "source '%s': more than %d records", st->source,
				SDN_MAX_RECORDS);
	if (uidn) {
		rc = elem_text(st, uidn);
		if (rc < 0)
			return rc;
	}
	uid = rw_strdup(uidn ? rw_buf_cstr(&st->val) : "");
	if (uid == NULL)
		return rw_error(st->ctx, RW_ENOMEM, "out of memory");
	rc = person_name(st, entry);
	if (rc < 0)
		goto out;
	if (st->name.len == 0) {
		rw_log(st->ctx, RW_LOG_WARN, "source '%s': entry %s on line %ld has no name: skipped",
		       st->source, *uid ? uid : "without uid", xmlGetLineNo(entry));
		st->recs->degraded = 1;
		goto out;
	}
	if ((rc = rw_records_add(st->ctx, st->recs, st->source, &r)) < 0)
		goto out;
	r->kind = RW_REC_ENTITY;
	r->entity = rw_strdup(st->name.data);
	if (*uid)
		r->uid = rw_strdup(uid);
	if (r->entity == NULL || (*uid && r->uid == NULL)) {
		rc = rw_error(st->ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	if (st->src && st->src->url) {
		r->link = rw_strdup(st->src->url);
		if (r->link == NULL) {
			rc = rw_error(st->ctx, RW_ENOMEM, "out of memory");
			goto out;
		}
	}
	rw_buf_clear(&st->text);
	rw_buf_clear(&st->list);
	/* The text: the entry's fields in document order, "label: value" joined with " | ". */
	for (c = entry->children; c && rc == 0; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (name_is(c, "firstName") || name_is(c, "lastName")) {
			continue; /* the name leads the text */
		} else if (!has_element_children(c)) {
			rc = elem_text(st, c);
			if (rc == 0 && st->val.len > 0 &&
			    (text_label(st, (const char *)c->name) < 0 ||
			     rw_buf_append(&st->text, st->val.data, st->val.len) < 0))
				rc = rw_error(st->ctx, RW_ENOMEM, "out of memory");
		} else {
			for (item = c->children; item && rc == 0; item = item->next) {
				if (item->type != XML_ELEMENT_NODE)
					continue;
				if (name_is(item, "program"))
					rc = entry_program(st, item);
				else if (name_is(item, "id"))
					rc = entry_id(st, item, r, *uid ? uid : r->entity);
				else if (name_is(item, "aka"))
					rc = entry_aka(st, item, r);
				else
					rc = entry_item(st, item);
			}
		}
	}
	if (rc < 0)
		goto out;
	r->text = join_text(r->entity, &st->text);
	if (st->list.len > 0)
		r->list = rw_strdup(st->list.data);
	if (r->text == NULL || (st->list.len > 0 && r->list == NULL))
		rc = rw_error(st->ctx, RW_ENOMEM, "out of memory");
out:
	free(uid);
	return rc;
}

static int sdn_publish_info(struct sdn *st, const xmlNode *info)
{
	const xmlNode *n = child(info, "Record_Count");
	long v;
	int rc;

	if (n == NULL)
		return 0;
	rc = elem_text(st, n);
	if (rc < 0)
		return rc;
	if (rw_parse_long(rw_buf_cstr(&st->val), 0, LONG_MAX, &v) == 0)
		st->record_count = v;
	return 0;
}

/* Refuses documents that declare entities in their internal subset (no real list does). */
static int check_subset(struct sdn *st, xmlTextReaderPtr reader)
{
	const xmlNode *root = xmlTextReaderCurrentNode(reader);
	const xmlDtd *dtd = root && root->doc ? root->doc->intSubset : NULL;

	if (dtd && (dtd->entities || dtd->pentities))
		return rw_error(st->ctx, RW_EPARSE, "source '%s': the document declares entities",
				st->source);
	return 0;
}

/* Does the end of the body hold the root's end tag ("</sdnList>", "</p:sdnList >")? */
static int has_root_end(const char *body, size_t len)
{
	size_t i = len > 65536 ? len - 65536 : 0, j, k;

	for (; i + 2 < len; i++) {
		if (body[i] != '<' || body[i + 1] != '/')
			continue;
		for (j = i + 2; j < len && body[j] != '>' && !is_blank((unsigned char)body[j]); j++)
			;
		for (k = j; k < len && is_blank((unsigned char)body[k]); k++)
			;
		if (k < len && body[k] == '>' && j - (i + 2) >= 7 && memcmp(body + j - 7, "sdnList", 7) == 0 &&
		    (j - (i + 2) == 7 || body[j - 8] == ':'))
			return 1;
	}
	return 0;
}

static int parse_error(struct sdn *st, xmlTextReaderPtr reader, const char *body, size_t len)
{
	long line = st->err_line > 0 ? st->err_line : (long)xmlTextReaderGetParserLineNumber(reader);

	/* The reader calls a cut-off document "extra content at the end"; say what happened. */
	if (st->err_code == XML_ERR_DOCUMENT_END && !has_root_end(body, len))
		return rw_error(st->ctx, RW_EPARSE,
				"source '%s': line %ld: the document ends before its root element is closed",
				st->source, line);
	return rw_error(st->ctx, RW_EPARSE, "source '%s': line %ld: %s", st->source, line,
			st->err[0] ? st->err : "malformed XML");
}

int rw_parse_sdnlist(rw_ctx *ctx, const rw_source *src, const char *body, size_t len, rw_records *out)
{
	xmlTextReaderPtr reader = NULL;
	struct sdn st;
	size_t before = out->n;
	int rc = 0, ret, root = 0, degraded = out->degraded;

	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	st.src = src;
	st.source = src && src->name ? src->name : "?";
	st.recs = out;
	st.first = before;
	st.record_count = -1;
	if (body == NULL || len == 0) {
		rc = rw_error(ctx, RW_EPARSE, "source '%s': empty document", st.source);
		goto out;
	}
	if (len > INT_MAX) {
		rc = rw_error(ctx, RW_EPARSE, "source '%s': document larger than %d bytes", st.source, INT_MAX);
		goto out;
	}
	reader = xmlReaderForMemory(body, (int)len, NULL, NULL, SDN_XML_OPTIONS);
	if (reader == NULL) {
		rc = rw_error(ctx, RW_ENOMEM, "source '%s': cannot create the XML reader", st.source);
		goto out;
	}
	xmlTextReaderSetStructuredErrorHandler(reader, sdn_error, &st);

	ret = xmlTextReaderRead(reader);
	while (ret == 1) {
		const char *name;
		int depth;

		if (xmlTextReaderNodeType(reader) != XML_READER_TYPE_ELEMENT) {
			ret = xmlTextReaderRead(reader);
			continue;
		}
		name = (const char *)xmlTextReaderConstLocalName(reader);
		depth = xmlTextReaderDepth(reader);
		if (name == NULL) {
			rc = rw_error(ctx, RW_ENOMEM, "out of memory");
			goto out;
		}
		if (depth == 0) {
			const char *ns = (const char *)xmlTextReaderConstNamespaceUri(reader);

			if (strcmp(name, "sdnList") != 0) {
				rc = rw_error(ctx, RW_EPARSE,
					      "source '%s': not an OFAC sdnList document (root element '%s')",
					      st.source, name);
				goto out;
			}
			rc = check_subset(&st, reader);
			if (rc < 0)
				goto out;
			if (ns && strcmp(ns, NS_LEGACY) != 0 && strcmp(ns, NS_CURRENT) != 0)
				rw_log(ctx, RW_LOG_INFO, "source '%s': unfamiliar sdnList namespace '%s'",
				       st.source, ns);
			root = 1;
			ret = xmlTextReaderRead(reader);
			continue;
		}
		if (depth == 1 && (strcmp(name, "sdnEntry") == 0 || strcmp(name, "publshInformation") == 0 ||
				   strcmp(name, "publishInformation") == 0)) {
			xmlNodePtr node = xmlTextReaderExpand(reader);

			if (node == NULL)
				break; /* the error is reported below */
			if (name[0] == 's') {
				rc = sdn_entry(&st, node);
				st.entries++;
			} else {
				rc = sdn_publish_info(&st, node);
			}
			if (rc < 0)
				goto out;
		}
		/* Past this subtree; the reader frees it. */
		ret = depth >= 1 ? xmlTextReaderNext(reader) : xmlTextReaderRead(reader);
	}
	if (ret != 0 || st.err[0] != '\0') {
		rc = parse_error(&st, reader, body, len);
		goto out;
	}
	if (!root) {
		rc = rw_error(ctx, RW_EPARSE, "source '%s': no root element", st.source);
		goto out;
	}
	if (st.record_count >= 0 && st.record_count != st.entries)
		rw_log(ctx, RW_LOG_WARN, "source '%s': Record_Count says %ld entries, the document has %ld",
		       st.source, st.record_count, st.entries);
out:
	if (rc < 0) {
		rw_records_truncate(out, before);
		out->degraded = degraded;
	}
	xmlFreeTextReader(reader);
	rw_buf_release(&st.val);
	rw_buf_release(&st.name);
	rw_buf_release(&st.list);
	rw_buf_release(&st.text);
	return rc;
}
