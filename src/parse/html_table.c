/*
 * html-table: a list published as an HTML table, found by its header text
 * (never by position), one record per named entity or per category row; and
 * the page's "Documents" list as dated document records. Written for the FCC
 * Covered List (https://www.fcc.gov/supplychain/coveredlist): producer names in
 * <strong> in the first column, "Month D, YYYY" dates in the date column with
 * later "Updated:" dates after the first.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xpath.h>

#include "parse/parsers.h"
#include "parse/xmlutil.h"
#include "regwatch/dates.h"

#define RW_DEFAULT_TABLE_HEADER "Date of Inclusion on Covered List"
/* The Documents list is the FCC page's own change log: its relative links are fcc.gov paths. */
#define RW_DOCUMENTS_BASE "https://www.fcc.gov/"
#define RW_LABEL_MAX 120 /* bytes of a category row's short label */

static int is_element(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->name != NULL &&
	       strcasecmp((const char *)n->name, name) == 0;
}

static int is_cell(const xmlNode *n)
{
	return is_element(n, "td") || is_element(n, "th");
}

/* Case-insensitive substring test (ASCII letters). */
static int contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return 1;
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

/* The table a node belongs to (its nearest table ancestor). */
static xmlNodePtr owner_table(xmlNodePtr n)
{
	for (n = n->parent; n != NULL; n = n->parent)
		if (is_element(n, "table"))
			return n;
	return NULL;
}

/* Columns a cell spans (colspan, 1 when absent or unreadable). */
static long cell_span(xmlNodePtr cell)
{
	xmlChar *v = xmlGetProp(cell, BAD_CAST "colspan");
	long span = 1;

	if (v != NULL && rw_parse_long((const char *)v, 1, 1000, &span) < 0)
		span = 1;
	xmlFree(v);
	return span;
}

/* The first column a cell covers in its row. */
static long cell_column(xmlNodePtr cell)
{
	xmlNodePtr c;
	long col = 0;

	for (c = cell->parent ? cell->parent->children : NULL; c != NULL && c != cell; c = c->next)
		if (is_cell(c))
			col += cell_span(c);
	return col;
}

/* The cell of row covering column col, or NULL. */
static xmlNodePtr cell_at(xmlNodePtr row, long col)
{
	xmlNodePtr c;
	long at = 0;

	for (c = row->children; c != NULL; c = c->next) {
		long span;

		if (!is_cell(c))
			continue;
		span = cell_span(c);
		if (col >= at && col < at + span)
			return c;
		at += span;
	}
	return NULL;
}

/*
 * Finds the first table (document order) with a header cell whose text contains header.
 * *col gets the column of that header cell. Returns 0 (found), 1 (none) or an error.
 */
static int find_table(rw_ctx *ctx, const char *name, xmlXPathContextPtr xp, const char *header,
		      xmlNodePtr *table, long *col)
{
	xmlXPathObjectPtr ths = NULL;
	int i, rc = 1;

	ths = rw_xml_xpath(ctx, name, xp, NULL, "//table//th");
	if (ths == NULL)
		return ctx->errcode < 0 ? ctx->errcode : RW_EPARSE;
	for (i = 0; ths->nodesetval != NULL && i < ths->nodesetval->nodeNr; i++) {
		xmlNodePtr th = ths->nodesetval->nodeTab[i];
		char *text = rw_xml_text(th);
		int match;

		if (text == NULL) {
			rc = rw_error(ctx, RW_ENOMEM, "source '%s': out of memory", name);
			break;
		}
		match = contains_nocase(text, header);
		free(text);
		if (match && owner_table(th) != NULL) {
			*table = owner_table(th);
			*col = cell_column(th);
			rc = 0;
			break;
		}
	}
	xmlXPathFreeObject(ths);
	return rc;
}

static int is_trailing_mark(const char *s, size_t n, size_t *len)
{
	static const char *const marks[] = {"\xE2\x80\xA0", "\xE2\x80\xA1", "\xC2\xB1", "\xE2\x80\x94",
					    "\xE2\x80\x93"};
	size_t i;

	if (n > 0 && strchr(" \t.,;:*#^-", s[n - 1]) != NULL) {
		*len = 1;
		return 1;
	}
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		size_t m = strlen(marks[i]);

		if (n >= m && memcmp(s + n - m, marks[i], m) == 0) {
			*len = m;
			return 1;
		}
	}
	return 0;
}

/* Strips footnote marks, punctuation and spaces from both ends of s in place
   (only separators at the front). */
static void strip_name(char *s)
{
	size_t n = strlen(s), k, lead = 0;

	while (n > 0 && is_trailing_mark(s, n, &k))
		n -= k;
	s[n] = '\0';
	while (lead < n && strchr(" \t.,;:-", s[lead]) != NULL)
		lead++;
	memmove(s, s + lead, n - lead + 1);
}

/* True when the word that ends at text[i] (a '.') is an abbreviation, not a sentence end:
   "Inc.", "Corp.", "No.", single letters and dotted forms such as "U.S.". */
static int abbreviation_at(const char *text, size_t i)
{
	static const char *const words[] = {"inc", "corp", "co", "ltd", "no", "nos", "pub", "stat", "st",
					    "v", "vs", "etc", "al", "jr", "sr", "dr", "mr", "ms"};
	size_t start = i, k;

	while (start > 0 && (isalpha((unsigned char)text[start - 1]) || text[start - 1] == '.'))
		start--;
	if (i == start)
		return 0; /* "1934." or "(Pub. L. 118-159)." */
	if (i - start == 1 || memchr(text + start, '.', i - start) != NULL)
		return 1;
	for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (strlen(words[k]) == i - start && strncasecmp(text + start, words[k], i - start) == 0)
			return 1;
	return 0;
}

/* A short label for a category row: its first sentence (up to ". " or an em dash),
   at most RW_LABEL_MAX bytes cut at a word boundary. malloc'd, NULL on ENOMEM. */
static char *short_label(const char *text)
{
	size_t n = strlen(text), cut = n, i;
	int shortened = 0;
	char *label;

	for (i = 0; i < n; i++) {
		if (text[i] == '.' && (text[i + 1] == ' ' || text[i + 1] == '\0') && i > 0 &&
		    (isalnum((unsigned char)text[i - 1]) || text[i - 1] == ')') && !abbreviation_at(text, i)) {
			cut = i;
			break;
		}
		if (strncmp(text + i, "\xE2\x80\x94", 3) == 0) {
			cut = i;
			break;
		}
	}
	if (cut > RW_LABEL_MAX) {
		size_t sp = RW_LABEL_MAX;

		while (sp > 0 && text[sp] != ' ')
			sp--;
		if (sp == 0) {
			sp = RW_LABEL_MAX;
			while (sp > 0 && ((unsigned char)text[sp] & 0xC0) == 0x80)
				sp--;
		}
		cut = sp;
		shortened = 1;
	}
	label = malloc(cut + sizeof("\xE2\x80\xA6"));
	if (label == NULL)
		return NULL;
	memcpy(label, text, cut);
	label[cut] = '\0';
	strip_name(label);
	if (shortened && label[0] != '\0') {
		size_t k = strlen(label);

		memcpy(label + k, "\xE2\x80\xA6", sizeof("\xE2\x80\xA6")); /* room reserved above */
	}
	return label;
}

/* The dates of a date cell: the first one, then the later distinct ones in order. */
static int cell_dates(const char *text, char **first, rw_strvec *updates)
{
	char d[RW_DATE_LEN];
	size_t end;
	int rc;

	while (rw_date_find_long(text, d, &end) == 0) {
		text += end;
		if (*first == NULL) {
			if ((*first = rw_strdup(d)) == NULL)
				return RW_ENOMEM;
		} else if (strcmp(d, *first) != 0 && !rw_strvec_contains(updates, d)) {
			if ((rc = rw_strvec_push(updates, d)) < 0)
				return rc;
		}
	}
	return 0;
}

static int copy_strvec(rw_strvec *dst, const rw_strvec *src)
{
	size_t i;
	int rc;

	for (i = 0; i < src->n; i++)
		if ((rc = rw_strvec_push(dst, src->v[i])) < 0)
			return rc;
	return 0;
}

/* Adds one record of a row; takes entity and title. */
static int add_row_record(rw_ctx *ctx, const char *source, rw_records *out, int kind, char *entity,
			  char *title, const char *date, const rw_strvec *updates, const char *text,
			  const char *link)
{
	rw_record *r;
	int rc = rw_records_add(ctx, out, source, &r);

	if (rc < 0) {
		free(entity);
		free(title);
		return rc;
	}
	r->kind = kind;
	r->entity = entity;
	r->title = title;
	r->date = rw_strdup(date);
	r->text = rw_strdup(text);
	r->link = rw_strdup(link);
	if ((date && !r->date) || !r->text || (link && !r->link))
		return RW_ENOMEM;
	return copy_strvec(&r->updates, updates);
}

/* One body row: a record per <strong> name of the first cell, or one category record. */
static int parse_row(rw_ctx *ctx, const rw_source *src, xmlXPathContextPtr xp, xmlNodePtr row,
		     long date_col, rw_records *out)
{
	const char *name = src->name ? src->name : "?";
	xmlXPathObjectPtr strongs = NULL;
	xmlNodePtr first = cell_at(row, 0), dcell = cell_at(row, date_col);
	rw_strvec names = RW_STRVEC_INIT, updates = RW_STRVEC_INIT;
	char *text = NULL, *dtext = NULL, *ftext = NULL, *date = NULL, *label = NULL;
	int i, rc = 0;

	if (dcell == first)
		dcell = NULL;
	text = rw_xml_text(row);
	ftext = rw_xml_text(first);
	dtext = dcell ? rw_xml_text(dcell) : rw_strdup("");
	if (text == NULL || ftext == NULL || dtext == NULL) {
		rc = RW_ENOMEM;
		goto out;
	}
	if (text[0] == '\0')
		goto out; /* a spacer row */
	if ((rc = cell_dates(dtext, &date, &updates)) < 0)
		goto out;
	if (date == NULL)
		rw_log(ctx, RW_LOG_WARN, "source '%s': no date in row '%.60s'", name, ftext);

	strongs = rw_xml_xpath(ctx, name, xp, first, ".//strong[not(ancestor::strong)]");
	if (strongs == NULL) {
		rc = ctx->errcode < 0 ? ctx->errcode : RW_EPARSE;
		goto out;
	}
	for (i = 0; strongs->nodesetval != NULL && i < strongs->nodesetval->nodeNr; i++) {
		char *s = rw_xml_text(strongs->nodesetval->nodeTab[i]);

		if (s == NULL) {
			rc = RW_ENOMEM;
			goto out;
		}
		strip_name(s);
		if (s[0] == '\0' || rw_strvec_contains(&names, s)) {
			free(s);
			continue;
		}
		if ((rc = rw_strvec_push_owned(&names, s)) < 0)
			goto out;
	}

	if (names.n == 0) {
		if ((label = short_label(ftext)) == NULL) {
			rc = RW_ENOMEM;
			goto out;
		}
		if (label[0] == '\0')
			rw_str_replace(&label, NULL);
		rc = add_row_record(ctx, name, out, RW_REC_CATEGORY, NULL, label, date, &updates, text, src->url);
		label = NULL;
		goto out;
	}
	for (i = 0; (size_t)i < names.n; i++) {
		rc = add_row_record(ctx, name, out, RW_REC_ENTITY, names.v[i], NULL, date, &updates, text, src->url);
		names.v[i] = NULL;
		if (rc < 0)
			goto out;
	}
out:
	if (rc == RW_ENOMEM)
		rw_error(ctx, rc, "source '%s': out of memory", name);
	xmlXPathFreeObject(strongs);
	rw_strvec_release(&names); /* entries handed to records are NULL */
	rw_strvec_release(&updates);
	free(text);
	free(ftext);
	free(dtext);
	free(date);
	free(label);
	return rc;
}

/* A data row has at least one td; header rows (all th) are skipped. */
static int is_data_row(xmlNodePtr tr)
{
	xmlNodePtr c;

	for (c = tr->children; c != NULL; c = c->next)
		if (is_element(c, "td"))
			return 1;
	return 0;
}

static int parse_rows(rw_ctx *ctx, const rw_source *src, xmlXPathContextPtr xp, xmlNodePtr table,
		      long date_col, rw_records *out)
{
	xmlNodePtr c, tr;
	int rc = 0;

	for (c = table->children; c != NULL && rc == 0; c = c->next) {
		if (is_element(c, "tr")) {
			if (is_data_row(c))
				rc = parse_row(ctx, src, xp, c, date_col, out);
		} else if (is_element(c, "tbody")) {
			for (tr = c->children; tr != NULL && rc == 0; tr = tr->next)
				if (is_element(tr, "tr") && is_data_row(tr))
					rc = parse_row(ctx, src, xp, tr, date_col, out);
		}
		/* thead holds the header; tfoot holds notes, not list rows */
	}
	return rc;
}

/* href resolved against the FCC site; only http(s) results are kept. NULL when unusable. */
static char *absolute_link(const xmlChar *href)
{
	xmlChar *uri;
	char *link = NULL;

	while (href && (*href == ' ' || *href == '\t' || *href == '\n' || *href == '\r'))
		href++;
	if (href == NULL || *href == '\0')
		return NULL;
	uri = xmlBuildURI(href, BAD_CAST RW_DOCUMENTS_BASE);
	if (uri != NULL && (strncasecmp((const char *)uri, "https://", 8) == 0 ||
			    strncasecmp((const char *)uri, "http://", 7) == 0))
		link = rw_strdup((const char *)uri);
	xmlFree(uri);
	return link;
}

/* The text of an <li> before its first <br> or <a>: "DATE - TYPE". */
static char *item_head(xmlNodePtr li)
{
	rw_buf b = RW_BUF_INIT;
	xmlNodePtr c;

	for (c = li->children; c != NULL; c = c->next) {
		char *t;

		if (is_element(c, "br") || is_element(c, "a"))
			break;
		if ((t = rw_xml_text(c)) == NULL || rw_buf_puts(&b, t) < 0 || rw_buf_putc(&b, ' ') < 0) {
			free(t);
			rw_buf_release(&b);
			return NULL;
		}
		free(t);
	}
	return rw_buf_detach(&b, NULL);
}

static xmlNodePtr first_link(xmlNodePtr n)
{
	xmlNodePtr c, found;

	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_element(c, "a") && xmlHasProp(c, BAD_CAST "href"))
			return c;
		if ((found = first_link(c)) != NULL)
			return found;
	}
	return NULL;
}

static int parse_document_item(rw_ctx *ctx, const char *source, xmlNodePtr li, rw_records *out)
{
	xmlNodePtr a = first_link(li);
	xmlChar *href = NULL;
	char *text = NULL, *head = NULL, *title = NULL;
	char d[RW_DATE_LEN];
	rw_record *r;
	int rc = 0;

	text = rw_xml_text(li);
	head = item_head(li);
	if (text == NULL || head == NULL) {
		rc = RW_ENOMEM;
		goto out;
	}
	if (text[0] == '\0')
		goto out;
	title = a ? rw_xml_text(a) : rw_strdup(text);
	if (title == NULL) {
		rc = RW_ENOMEM;
		goto out;
	}
	if ((rc = rw_records_add(ctx, out, source, &r)) < 0)
		goto out;
	r->kind = RW_REC_DOCUMENT;
	r->title = title;
	title = NULL;
	r->text = text;
	text = NULL;
	if (rw_date_find_long(head, d, NULL) == 0 && (r->date = rw_strdup(d)) == NULL)
		rc = RW_ENOMEM;
	if (a != NULL) {
		href = xmlGetProp(a, BAD_CAST "href");
		r->link = absolute_link(href);
	}
out:
	xmlFree(href);
	free(text);
	free(head);
	free(title);
	return rc;
}

static int is_heading(const xmlNode *n)
{
	return n->type == XML_ELEMENT_NODE && n->name != NULL && (n->name[0] == 'h' || n->name[0] == 'H') &&
	       n->name[1] >= '1' && n->name[1] <= '6' && n->name[2] == '\0';
}

/* The list after a heading "Documents": the first <ul> among the heading's following
   siblings, before the next heading. Absent list: no records, no error. */
static int parse_documents(rw_ctx *ctx, const char *name, xmlXPathContextPtr xp, rw_records *out)
{
	xmlXPathObjectPtr hs = NULL;
	xmlNodePtr ul = NULL, c;
	int i, rc = 0;

	hs = rw_xml_xpath(ctx, name, xp, NULL, "//h1|//h2|//h3|//h4|//h5|//h6");
	if (hs == NULL)
		return ctx->errcode < 0 ? ctx->errcode : RW_EPARSE;
	for (i = 0; ul == NULL && hs->nodesetval != NULL && i < hs->nodesetval->nodeNr; i++) {
		xmlNodePtr h = hs->nodesetval->nodeTab[i];
		char *t = rw_xml_text(h);
		int match;

		if (t == NULL) {
			rc = RW_ENOMEM;
			goto out;
		}
		match = strcasecmp(t, "Documents") == 0;
		free(t);
		if (!match)
			continue;
		for (c = h->next; c != NULL && !is_heading(c); c = c->next)
			if (is_element(c, "ul")) {
				ul = c;
				break;
			}
	}
	for (c = ul ? ul->children : NULL; c != NULL && rc == 0; c = c->next)
		if (is_element(c, "li"))
			rc = parse_document_item(ctx, name, c, out);
out:
	if (rc == RW_ENOMEM)
		rw_error(ctx, rc, "source '%s': out of memory", name);
	xmlXPathFreeObject(hs);
	return rc;
}

int rw_parse_html_table(rw_ctx *ctx, const rw_source *src, const char *body, size_t len, rw_records *out)
{
	const char *name = src->name ? src->name : "?";
	const char *header = src->table_header && src->table_header[0] ? src->table_header
								       : RW_DEFAULT_TABLE_HEADER;
	xmlDocPtr doc = NULL;
	xmlXPathContextPtr xp = NULL;
	xmlNodePtr table = NULL;
	long date_col = 1;
	int degraded = 0, rc;

	doc = rw_xml_read(ctx, name, body, len, 1, &degraded);
	if (doc == NULL)
		return ctx->errcode < 0 ? ctx->errcode : RW_EPARSE;
	xp = rw_xml_xpath_new(doc);
	if (xp == NULL) {
		rc = rw_error(ctx, RW_ENOMEM, "source '%s': out of memory", name);
		goto out;
	}
	rc = find_table(ctx, name, xp, header, &table, &date_col);
	if (rc > 0)
		rc = rw_error(ctx, RW_EPARSE, "source '%s': no table with header '%s'", name, header);
	if (rc < 0)
		goto out;
	if (date_col == 0)
		date_col = 1; /* the header named the first column: dates are in the second */
	if ((rc = parse_rows(ctx, src, xp, table, date_col, out)) < 0)
		goto out;
	if ((rc = parse_documents(ctx, name, xp, out)) < 0)
		goto out;
	if (degraded)
		out->degraded = 1;
out:
	if (xp != NULL)
		xmlXPathFreeContext(xp);
	xmlFreeDoc(doc);
	return rc;
}
