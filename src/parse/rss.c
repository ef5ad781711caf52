/*
 * RSS feeds: RSS 2.0 (<rss><channel><item>) and RSS 1.0 or 0.90 (<rdf:RDF><item>).
 * Each item becomes one RW_REC_DOCUMENT record: title, link (made absolute
 * against xml:base where needed), the item's UTC date from pubDate (RFC 822)
 * or dc:date (RFC 3339 or YYYY-MM-DD), the description as plain text (it is
 * usually escaped HTML: parsed as an HTML fragment, tags dropped, entities
 * decoded, whitespace collapsed) and the guid as uid.
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

#define RSS_MAX_ITEMS 10000

#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"

/* The child elements of one item that become fields (the first of each name wins). */
struct rss_item {
	xmlNodePtr title;
	xmlNodePtr link;
	xmlNodePtr description;
	xmlNodePtr encoded;  /* content:encoded, used when there is no description */
	xmlNodePtr pubdate;
	xmlNodePtr dcdate;
	xmlNodePtr guid;
};

/* An element of the item's own vocabulary: no namespace, or the namespace of the item
   itself (RSS 1.0 and 0.90, or RSS 2.0 written with a default namespace). */
static int is_rss_el(xmlNodePtr n, xmlNsPtr own, const char *name)
{
	if (n->type != XML_ELEMENT_NODE || !xmlStrEqual(n->name, XC(name)))
		return 0;
	return n->ns == NULL || (own != NULL && xmlStrEqual(n->ns->href, own->href));
}

static int is_ns_el(xmlNodePtr n, const char *ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, XC(name)) && n->ns != NULL &&
	       xmlStrEqual(n->ns->href, XC(ns));
}

static void item_fields(xmlNodePtr item, struct rss_item *f)
{
	xmlNodePtr c;

	memset(f, 0, sizeof(*f));
	for (c = item->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (f->title == NULL && is_rss_el(c, item->ns, "title"))
			f->title = c;
		else if (f->link == NULL && is_rss_el(c, item->ns, "link"))
			f->link = c;
		else if (f->description == NULL && is_rss_el(c, item->ns, "description"))
			f->description = c;
		else if (f->pubdate == NULL && is_rss_el(c, item->ns, "pubDate"))
			f->pubdate = c;
		else if (f->guid == NULL && is_rss_el(c, item->ns, "guid"))
			f->guid = c;
		else if (f->dcdate == NULL && is_ns_el(c, NS_DC, "date"))
			f->dcdate = c;
		else if (f->encoded == NULL && is_ns_el(c, NS_CONTENT, "encoded"))
			f->encoded = c;
	}
}

/* The link text, resolved against the item's xml:base when it is relative. */
static int node_link(xmlNodePtr node, char **out)
{
	char *text = rw_xml_text(node);
	int rc;

	if (text == NULL)
		return RW_ENOMEM;
	rc = rw_xml_resolve(node, text, out);
	free(text);
	return rc;
}

/* What rw_xml_each hands to each_item. */
struct each_state {
	const rw_source *src;
	rw_records *out;
};

static int add_item(rw_ctx *ctx, const rw_source *src, xmlNodePtr item, rw_records *out)
{
	struct rss_item f;
	rw_record *rec;
	xmlChar *about;
	int rc = 0;

	item_fields(item, &f);
	if ((rc = rw_records_add(ctx, out, src->name, &rec)) < 0)
		return rc;
	rec->kind = RW_REC_DOCUMENT;
	if (f.title != NULL && (rec->title = rw_xml_text(f.title)) == NULL)
		return RW_ENOMEM;
	if (f.link != NULL && (rc = node_link(f.link, &rec->link)) < 0)
		return rc;
	if (f.pubdate != NULL && (rc = rw_xml_date(ctx, src->name, rec->title, f.pubdate, &rec->date)) < 0)
		return rc;
	if (rec->date == NULL && f.dcdate != NULL &&
	    (rc = rw_xml_date(ctx, src->name, rec->title, f.dcdate, &rec->date)) < 0)
		return rc;
	if (f.description != NULL || f.encoded != NULL) {
		rc = rw_xml_markup_text(ctx, src->name, f.description ? f.description : f.encoded, &rec->text);
		if (rc < 0)
			return rc;
	} else if ((rec->text = rw_strdup("")) == NULL) {
		return RW_ENOMEM;
	}
	if (f.guid != NULL) {
		if ((rec->uid = rw_xml_text(f.guid)) == NULL)
			return RW_ENOMEM;
	} else {
		/* RSS 1.0 names each item by its rdf:about. */
		about = xmlGetNsProp(item, XC("about"), XC(NS_RDF));
		if (about != NULL) {
			rec->uid = rw_strdup((const char *)about);
			xmlFree(about);
			if (rec->uid == NULL)
				return RW_ENOMEM;
		}
	}
	if (rec->uid != NULL && rec->uid[0] == '\0')
		rw_str_replace(&rec->uid, NULL);
	return 0;
}

static int each_item(rw_ctx *ctx, void *arg, xmlNodePtr node)
{
	struct each_state *st = arg;

	return add_item(ctx, st->src, node, st->out);
}

int rw_parse_rss(rw_ctx *ctx, const rw_source *src, const char *body, size_t len, rw_records *out)
{
	xmlDocPtr doc = NULL;
	xmlXPathContextPtr xp = NULL;
	struct each_state st;
	xmlNodePtr root;
	const char *expr;
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
	if (xmlStrEqual(root->name, XC("rss"))) {
		expr = "/*[local-name()='rss']/*[local-name()='channel']/*[local-name()='item']";
	} else if (xmlStrEqual(root->name, XC("RDF")) && root->ns != NULL &&
		   xmlStrEqual(root->ns->href, XC(NS_RDF))) {
		expr = "/rdf:RDF/*[local-name()='item']";
	} else {
		rc = rw_error(ctx, RW_EPARSE, "source '%s': not an RSS feed (root element '%s%s%.64s')",
			      src->name, root->ns && root->ns->prefix ? (const char *)root->ns->prefix : "",
			      root->ns && root->ns->prefix ? ":" : "", (const char *)root->name);
		goto out;
	}
	xp = rw_xml_xpath_new(doc);
	if (xp == NULL) {
		rc = rw_error(ctx, RW_ENOMEM, "source '%s': out of memory", src->name);
		goto out;
	}
	st.src = src;
	st.out = out;
	rc = rw_xml_each(ctx, src->name, xp, expr, RSS_MAX_ITEMS, "items", each_item, &st);
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
