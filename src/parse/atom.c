/*
 * Atom feeds (RFC 4287, default namespace http://www.w3.org/2005/Atom).
 * Each entry becomes one RW_REC_DOCUMENT record: title, the href of the
 * link rel="alternate" (or of the first link) made absolute against
 * xml:base, the UTC date of <published> or else <updated> (GOV.UK finder
 * feeds have only <updated>), the text of <content> or else <summary> as
 * plain text (type="html" is parsed as an HTML fragment), and the id as uid.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "regwatch/dates.h"
#include "parse/parsers.h"
#include "parse/xmlutil.h"

/* A C string as libxml2 characters (UTF-8), without casting away const. */
#define XC(s) ((const xmlChar *)(s))

#define ATOM_MAX_ENTRIES 10000
#define ATOM_MAX_TEXT (1024 * 1024) /* bytes of xhtml text kept per entry */

#define NS_ATOM "http://www.w3.org/2005/Atom"

/* The child elements of one entry that become fields (the first of each name wins). */
struct atom_entry {
	xmlNodePtr id;
	xmlNodePtr title;
	xmlNodePtr link;      /* rel="alternate" (the default rel), else the first link */
	xmlNodePtr published;
	xmlNodePtr updated;
	xmlNodePtr summary;
	xmlNodePtr content;   /* inline textual content only */
};

static int is_atom_el(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, XC(name)) && n->ns != NULL &&
	       xmlStrEqual(n->ns->href, XC(NS_ATOM));
}

/* 1 if the link has no rel (Atom's default is "alternate") or rel="alternate". */
static int is_alternate(xmlNodePtr link)
{
	xmlChar *rel = xmlGetProp(link, XC("rel"));
	int r = rel == NULL || xmlStrEqual(rel, XC("alternate")) ||
		xmlStrEqual(rel, XC("http://www.iana.org/assignments/relation/alternate"));

	xmlFree(rel);
	return r;
}

static int has_attr(xmlNodePtr n, const char *name)
{
	return xmlHasProp(n, XC(name)) != NULL;
}

/* Inline content that reads as text: type text, html, xhtml or text/... (not src=, not base64). */
static int textual_content(xmlNodePtr content)
{
	xmlChar *type;
	int r;

	if (has_attr(content, "src"))
		return 0;
	type = xmlGetProp(content, XC("type"));
	r = type == NULL || xmlStrEqual(type, XC("text")) || xmlStrEqual(type, XC("html")) ||
	    xmlStrEqual(type, XC("xhtml")) || xmlStrncasecmp(type, XC("text/"), 5) == 0;
	xmlFree(type);
	return r;
}

static void entry_fields(xmlNodePtr entry, struct atom_entry *f)
{
	xmlNodePtr c, first_link = NULL;

	memset(f, 0, sizeof(*f));
	for (c = entry->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (f->id == NULL && is_atom_el(c, "id"))
			f->id = c;
		else if (f->title == NULL && is_atom_el(c, "title"))
			f->title = c;
		else if (is_atom_el(c, "link") && has_attr(c, "href")) {
			if (first_link == NULL)
				first_link = c;
			if (f->link == NULL && is_alternate(c))
				f->link = c;
		} else if (f->published == NULL && is_atom_el(c, "published"))
			f->published = c;
		else if (f->updated == NULL && is_atom_el(c, "updated"))
			f->updated = c;
		else if (f->summary == NULL && is_atom_el(c, "summary"))
			f->summary = c;
		else if (f->content == NULL && is_atom_el(c, "content") && textual_content(c))
			f->content = c;
	}
	if (f->link == NULL)
		f->link = first_link;
}

static int is_block_name(const xmlChar *name)
{
	static const char *const blocks[] = {
		"address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
		"figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
		"li", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
	};
	size_t i;

	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		if (xmlStrcasecmp(name, XC(blocks[i])) == 0)
			return 1;
	return 0;
}

/* Appends the text below an inline XHTML element to b, with a space around block elements
   and without scripts and styles. The parser's depth limit (256) bounds the recursion. */
static int collect_text(rw_buf *b, xmlNodePtr node)
{
	xmlNodePtr c;
	int rc = 0, block;

	for (c = node->children; c != NULL && rc == 0; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (c->content != NULL)
				rc = rw_buf_puts(b, (const char *)c->content);
		} else if (c->type == XML_ELEMENT_NODE) {
			if (xmlStrcasecmp(c->name, XC("script")) == 0 ||
			    xmlStrcasecmp(c->name, XC("style")) == 0)
				continue;
			block = is_block_name(c->name);
			if (block)
				rc = rw_buf_putc(b, ' ');
			if (rc == 0)
				rc = collect_text(b, c);
			if (rc == 0 && block)
				rc = rw_buf_putc(b, ' ');
		}
	}
	return rc;
}

/* s with whitespace collapsed and trimmed like any other field; NULL on ENOMEM. */
static char *normalised(const xmlChar *s)
{
	xmlNodePtr t = xmlNewText(s);
	char *r;

	if (t == NULL)
		return NULL;
	r = rw_xml_text(t);
	xmlFreeNode(t);
	return r;
}

/* The normalised text below node (collapsed whitespace, no U+00A0, trimmed, as rw_xml_text). */
static int tree_text(xmlNodePtr node, char **out)
{
	rw_buf b = RW_BUF_INIT;
	int rc;

	*out = NULL;
	rw_buf_init(&b, ATOM_MAX_TEXT);
	rc = collect_text(&b, node);
	if (rc == RW_ELIMIT)
		rc = 0; /* keep what fits */
	if (rc < 0)
		goto out;
	*out = normalised(XC(rw_buf_cstr(&b)));
	if (*out == NULL)
		rc = RW_ENOMEM;
out:
	rw_buf_release(&b);
	return rc;
}

/* The plain text of an Atom text construct: type="html" holds escaped HTML (read as an
   HTML fragment: tags go, entities are decoded, scripts and styles are dropped),
   type="xhtml" an inline div (block elements separate words), anything else text. */
static int construct_text(rw_ctx *ctx, const rw_source *src, xmlNodePtr node, char **out)
{
	xmlChar *type = xmlGetProp(node, XC("type"));
	int rc = 0;

	*out = NULL;
	if (type != NULL && xmlStrEqual(type, XC("xhtml")))
		rc = tree_text(node, out);
	else if (type != NULL && xmlStrEqual(type, XC("html")))
		rc = rw_xml_markup_text(ctx, src->name, node, out);
	else if ((*out = rw_xml_text(node)) == NULL)
		rc = RW_ENOMEM;
	xmlFree(type);
	return rc;
}

static int entry_link(xmlNodePtr link, char **out)
{
	xmlChar *href = xmlGetProp(link, XC("href"));
	char *text = NULL;
	int rc = 0;

	*out = NULL;
	if (href == NULL)
		return 0;
	text = normalised(href);
	rc = text ? rw_xml_resolve(link, text, out) : RW_ENOMEM;
	free(text);
	xmlFree(href);
	return rc;
}

/* What rw_xml_each hands to each_entry. */
struct each_state {
	const rw_source *src;
	rw_records *out;
};

static int add_entry(rw_ctx *ctx, const rw_source *src, xmlNodePtr entry, rw_records *out)
{
	struct atom_entry f;
	rw_record *rec;
	int rc = 0;

	entry_fields(entry, &f);
	if ((rc = rw_records_add(ctx, out, src->name, &rec)) < 0)
		return rc;
	rec->kind = RW_REC_DOCUMENT;
	if (f.title != NULL && (rc = construct_text(ctx, src, f.title, &rec->title)) < 0)
		return rc;
	if (f.link != NULL && (rc = entry_link(f.link, &rec->link)) < 0)
		return rc;
	if (f.published != NULL && (rc = rw_xml_date(ctx, src->name, rec->title, f.published, &rec->date)) < 0)
		return rc;
	if (rec->date == NULL && f.updated != NULL &&
	    (rc = rw_xml_date(ctx, src->name, rec->title, f.updated, &rec->date)) < 0)
		return rc;
	if (f.content != NULL || f.summary != NULL) {
		rc = construct_text(ctx, src, f.content ? f.content : f.summary, &rec->text);
		if (rc < 0)
			return rc;
	} else if ((rec->text = rw_strdup("")) == NULL) {
		return RW_ENOMEM;
	}
	if (f.id != NULL) {
		if ((rec->uid = rw_xml_text(f.id)) == NULL)
			return RW_ENOMEM;
		if (rec->uid[0] == '\0')
			rw_str_replace(&rec->uid, NULL);
	}
	return 0;
}

static int each_entry(rw_ctx *ctx, void *arg, xmlNodePtr node)
{
	struct each_state *st = arg;

	return add_entry(ctx, st->src, node, st->out);
}

int rw_parse_atom(rw_ctx *ctx, const rw_source *src, const char *body, size_t len, rw_records *out)
{
	xmlDocPtr doc = NULL;
	xmlXPathContextPtr xp = NULL;
	struct each_state st;
	xmlNodePtr root;
	int rc = 0, degraded = 0;

	doc = rw_xml_read(ctx, src->name, body, len, 0, &degraded);
	if (doc == NULL) {
		rc = ctx->errcode < 0 ? ctx->errcode : RW_EPARSE;
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL) {
		rc = rw_error(ctx, RW_EPARSE, "source '%s': no root element", src->name);
		goto out;
	}
	if (!is_atom_el(root, "feed")) {
		rc = rw_error(ctx, RW_EPARSE, "source '%s': not an Atom feed (root element '%s%s%.64s')",
			      src->name, root->ns && root->ns->prefix ? (const char *)root->ns->prefix : "",
			      root->ns && root->ns->prefix ? ":" : "", (const char *)root->name);
		goto out;
	}
	xp = rw_xml_xpath_new(doc);
	if (xp == NULL || xmlXPathRegisterNs(xp, XC("atom"), XC(NS_ATOM)) != 0) {
		rc = rw_error(ctx, RW_ENOMEM, "source '%s': out of memory", src->name);
		goto out;
	}
	st.src = src;
	st.out = out;
	rc = rw_xml_each(ctx, src->name, xp, "/atom:feed/atom:entry", ATOM_MAX_ENTRIES, "entries", each_entry,
			 &st);
	if (rc < 0)
		goto out;
	if (rc > 0)
		degraded = 1;
	rc = 0;
	if (degraded)
		out->degraded = 1;
out:
	if (xp != NULL)
		xmlXPathFreeContext(xp);
	if (doc != NULL)
		xmlFreeDoc(doc);
	return rc;
}
