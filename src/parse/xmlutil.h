/*
 * Safe libxml2 set-up shared by the parsers (reference options: no network,
 * no entity substitution, no DTD loading, built-in depth and size limits,
 * errors captured instead of printed). Only src/parse/ includes this header.
 *
 * The prototypes name libxml2's own struct tags (xmlDocPtr is struct _xmlDoc *),
 * so a file built without libxml2's include path can still call them after
 * defining RW_XMLUTIL_NO_LIBXML; every parser gets the full libxml2 headers.
 */
#ifndef REGWATCH_XMLUTIL_H
#define REGWATCH_XMLUTIL_H

#ifndef RW_XMLUTIL_NO_LIBXML
#include <libxml/tree.h>
#include <libxml/xpath.h>
#endif
#include "regwatch/core.h"

struct _xmlDoc;
struct _xmlNode;
struct _xmlXPathContext;
struct _xmlXPathObject;

/* XPath operation budget of one rw_xml_xpath evaluation. */
#define RW_XPATH_OP_LIMIT 1000000UL

/* Parses body as XML (html == 0) or HTML (html == 1). Returns the document or NULL with
   "source 'NAME': ..." in the context (naming the line of the first error; code RW_EPARSE,
   RW_ELIMIT for a body larger than INT_MAX bytes, RW_ENOMEM). *degraded is set when the
   parse succeeded only by recovering from errors, or when an HTML page (one with its own
   <html> tag) ended with elements other than html/head/body still open (a truncated transfer). Documents that declare entities in an
   internal subset are refused. HTML that is valid UTF-8 is read as UTF-8; other HTML
   follows its own charset declaration. Free with xmlFreeDoc. */
struct _xmlDoc *rw_xml_read(rw_ctx *ctx, const char *source, const char *body, size_t len, int html,
			    int *degraded);

/* A node's text content (node may also be a document) with whitespace and control
   characters collapsed to single spaces, U+00A0 turned into a space and the ends trimmed.
   In HTML documents <br> and the boundaries of block elements (p, div, li, td, th, tr,
   headings ...) count as whitespace, so "a<br>b" reads "a b". Entity references that
   were not substituted are skipped. malloc'd (caller frees); NULL on ENOMEM. */
char *rw_xml_text(struct _xmlNode *node);

/* The plain text of an element whose content is HTML markup (escaped or in CDATA): the
   markup is read as an HTML fragment, so tags go, entities are decoded, scripts and styles
   are dropped and block boundaries separate words; markup that cannot be read even as HTML
   keeps its characters. *out is malloc'd; 0 or RW_ENOMEM. */
int rw_xml_markup_text(rw_ctx *ctx, const char *source, struct _xmlNode *node, char **out);

/* ref made absolute against the xml:base in force at node when it has no scheme; *out is
   malloc'd (NULL when ref is empty); 0 or RW_ENOMEM. */
int rw_xml_resolve(struct _xmlNode *node, const char *ref, char **out);

/* Sets *date (malloc'd, YYYY-MM-DD) from the text of a date element: 1 for a real date, 0
   (with a warning naming the source and item) for anything else, RW_ENOMEM. */
int rw_xml_date(rw_ctx *ctx, const char *source, const char *item, struct _xmlNode *node, char **date);

/* An XPath context with an operation limit (RW_XPATH_OP_LIMIT per evaluation), errors
   captured instead of printed, and the usual namespaces registered (atom, dc, content,
   rdf). NULL on ENOMEM. Free with xmlXPathFreeContext. */
struct _xmlXPathContext *rw_xml_xpath_new(struct _xmlDoc *doc);

/* Evaluates a constant expression at node `at` (the document when NULL); returns a
   node-set object (possibly empty, nodesetval may be NULL) or NULL with
   "source 'NAME': xpath 'EXPR': ..." in the context (RW_EPARSE). Never build expr from
   document or user text. Free with xmlXPathFreeObject. */
struct _xmlXPathObject *rw_xml_xpath(rw_ctx *ctx, const char *source, struct _xmlXPathContext *xp,
				     struct _xmlNode *at, const char *expr);

/* Called by rw_xml_each for each selected node: 0 or a negative code. A bare RW_ENOMEM
   may leave no message; any other code leaves its own. */
typedef int (*rw_xml_each_fn)(rw_ctx *ctx, void *arg, struct _xmlNode *node);

/* Selects expr (constant, as rw_xml_xpath) in the document of xp and calls fn(ctx, arg,
   node) for each node in document order, at most cap of them; more than cap are logged
   ("source 'NAME': N WHAT, only the first CAP are read") and the rest skipped. Returns 1
   when nodes were skipped, 0 when all were read, or the first negative code: fn's own
   message is kept, except that RW_ENOMEM reads "source 'NAME': out of memory". */
int rw_xml_each(rw_ctx *ctx, const char *source, struct _xmlXPathContext *xp, const char *expr,
		int cap, const char *what, rw_xml_each_fn fn, void *arg);

#endif
