/*
 * Safe libxml2 set-up: parser contexts with the reference option words, errors
 * captured per document instead of printed, entity declarations refused, text
 * extraction and bounded XPath.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "parse/xmlutil.h"
#include "regwatch/dates.h"
#include "regwatch/utf8.h"

/*
 * The option words. Never add XML_PARSE_NOENT (it substitutes and loads external
 * entities), XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR, XML_PARSE_DTDVALID,
 * XML_PARSE_XINCLUDE, XML_PARSE_HUGE (it lifts every built-in limit), XML_PARSE_SAX1
 * or XML_PARSE_OLDSAX. The explicit words also override the process-wide defaults
 * (xmlSubstituteEntitiesDefault, xmlLoadExtDtdDefaultValue) that the legacy entry
 * points would copy.
 */
#define RW_XML_OPTIONS \
	(XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA | XML_PARSE_RECOVER)
#define RW_HTML_OPTIONS (HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING)

#define RW_XML_FORBIDDEN                                                                        \
	(XML_PARSE_NOENT | XML_PARSE_DTDLOAD | XML_PARSE_DTDATTR | XML_PARSE_DTDVALID |            \
	 XML_PARSE_XINCLUDE | XML_PARSE_HUGE | XML_PARSE_SAX1 | XML_PARSE_OLDSAX)

_Static_assert((RW_XML_OPTIONS & RW_XML_FORBIDDEN) == 0, "unsafe XML parser option");
_Static_assert((RW_HTML_OPTIONS & RW_XML_FORBIDDEN) == 0, "unsafe HTML parser option");

/* What one parse reported: kept on the stack of rw_xml_read, reached through
   the parser context's _private pointer and the structured error context. */
struct capture {
	int nerrors;         /* errors that mean the tree may be incomplete */
	int first_line;
	int first_code;
	char first[256];     /* message of the first such error */
	int refused;         /* an entity declaration was seen */
	int refused_line;
	int whole_page;      /* HTML: the document has its own <html> element */
	int truncated;       /* HTML: the input ended with this element still open */
	char open_tag[32];
	endElementSAXFunc end_element; /* the tree builder's own handler */
};

static void copy_message(char *dst, size_t size, const char *msg)
{
	size_t n;

	snprintf(dst, size, "%s", msg ? msg : "unknown error");
	n = strlen(dst);
	while (n > 0 && (dst[n - 1] == '\n' || dst[n - 1] == '\r' || dst[n - 1] == ' '))
		dst[--n] = '\0';
}

static void collect_error(void *data, xmlErrorPtr err)
{
	struct capture *cap = data;

	if (cap == NULL || err == NULL || err->level < XML_ERR_ERROR)
		return;
	/* Elements the HTML 4 parser does not know (nav, section ...) are read all the same. */
	if (err->domain == XML_FROM_HTML && err->code == XML_HTML_UNKNOWN_TAG)
		return;
	if (cap->nerrors++ == 0) {
		cap->first_line = err->line;
		cap->first_code = err->code;
		copy_message(cap->first, sizeof(cap->first), err->message);
	}
}

static void quiet_generic(void *data, const char *msg, ...)
{
	(void)data;
	(void)msg;
}

/* Any <!ENTITY ...> in an internal subset: remember it and stop reading. Nothing is
   declared, so nothing can be expanded or loaded later in the document. */
static void refuse_entity_decl(void *data, const xmlChar *name, int type, const xmlChar *public_id,
			       const xmlChar *system_id, xmlChar *content)
{
	xmlParserCtxtPtr pc = data;
	struct capture *cap = pc->_private;

	(void)name;
	(void)type;
	(void)public_id;
	(void)system_id;
	(void)content;
	if (cap != NULL && !cap->refused) {
		cap->refused = 1;
		cap->refused_line = pc->input ? pc->input->line : 0;
	}
	xmlStopParser(pc);
}

/* True when the text just before the parser's position is the end tag </name>. */
static int after_end_tag(xmlParserCtxtPtr pc, const xmlChar *name)
{
	const xmlChar *p, *base;
	size_t n = strlen((const char *)name);

	if (pc->input == NULL || pc->input->cur == NULL || pc->input->base == NULL)
		return 0;
	base = pc->input->base;
	p = pc->input->cur;
	if (p == base || p[-1] != '>')
		return 0;
	p--;
	while (p > base && (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n' || p[-1] == '\r'))
		p--;
	if ((size_t)(p - base) < n + 2)
		return 0;
	p -= n;
	return strncasecmp((const char *)p, (const char *)name, n) == 0 && p[-1] == '/' && p[-2] == '<';
}

static int input_exhausted(xmlParserCtxtPtr pc)
{
	xmlParserInputPtr in = pc->input;

	if (in == NULL || in->cur == NULL || *in->cur != 0)
		return 0;
	if (in->end != NULL && in->cur < in->end)
		return 0;
	/* Input still waiting for conversion from another encoding is not the end. */
	if (in->buf != NULL && in->buf->raw != NULL && xmlBufUse(in->buf->raw) > 0)
		return 0;
	return 1;
}

/* HTML end of element: in a whole page, an element other than html/head/body that is closed
   only because the input ran out was cut off (a truncated transfer). Fragments (feed item
   markup) end with implied elements open and are not judged. */
static void watch_end_element(void *data, const xmlChar *name)
{
	xmlParserCtxtPtr pc = data;
	struct capture *cap = pc->_private;

	if (cap != NULL && cap->whole_page && !cap->truncated && name != NULL && input_exhausted(pc) &&
	    strcasecmp((const char *)name, "html") != 0 && strcasecmp((const char *)name, "body") != 0 &&
	    strcasecmp((const char *)name, "head") != 0 && !after_end_tag(pc, name)) {
		cap->truncated = 1;
		snprintf(cap->open_tag, sizeof(cap->open_tag), "%s", (const char *)name);
	}
	if (cap != NULL && cap->end_element != NULL)
		cap->end_element(data, name);
}

/* True when the body has an <html> start tag of its own (not one the parser implies). */
static int has_html_tag(const char *body, size_t len)
{
	size_t i;

	for (i = 0; i + 5 < len; i++)
		if (body[i] == '<' && strncasecmp(body + i + 1, "html", 4) == 0 &&
		    !isalnum((unsigned char)body[i + 5]))
			return 1;
	return 0;
}

static int has_declared_entities(xmlDocPtr doc)
{
	return doc != NULL && doc->intSubset != NULL &&
	       (doc->intSubset->entities != NULL || doc->intSubset->pentities != NULL);
}

xmlDocPtr rw_xml_read(rw_ctx *ctx, const char *source, const char *body, size_t len, int html,
		      int *degraded)
{
	struct capture cap;
	xmlParserCtxtPtr pc = NULL;
	xmlDocPtr doc = NULL;
	xmlStructuredErrorFunc old_serror = xmlStructuredError;
	void *old_sctx = xmlStructuredErrorContext;
	xmlGenericErrorFunc old_generic = xmlGenericError;
	void *old_gctx = xmlGenericErrorContext;
	const char *encoding = NULL;
	int failed = 0;

	memset(&cap, 0, sizeof(cap));
	*degraded = 0;
	if (source == NULL)
		source = "?";
	if (body == NULL || len == 0) {
		rw_error(ctx, RW_EPARSE, "source '%s': empty document", source);
		return NULL;
	}
	if (len > (size_t)INT_MAX) {
		rw_error(ctx, RW_ELIMIT, "source '%s': document of %zu bytes is larger than the parser limit of %d bytes",
			 source, len, INT_MAX);
		return NULL;
	}
	pc = html ? htmlNewParserCtxt() : xmlNewParserCtxt();
	if (pc == NULL || pc->sax == NULL) {
		rw_error(ctx, RW_ENOMEM, "source '%s': out of memory", source);
		failed = 1;
		goto out;
	}
	pc->_private = &cap;
	if (html) {
		cap.end_element = pc->sax->endElement;
		pc->sax->endElement = watch_end_element;
		cap.whole_page = has_html_tag(body, len);
		if (rw_utf8_valid(body, len))
			encoding = "UTF-8";
	} else {
		pc->sax->entityDecl = refuse_entity_decl;
	}

	xmlSetStructuredErrorFunc(&cap, collect_error);
	xmlSetGenericErrorFunc(NULL, quiet_generic);
	if (html)
		doc = htmlCtxtReadMemory(pc, body, (int)len, NULL, encoding, RW_HTML_OPTIONS);
	else
		doc = xmlCtxtReadMemory(pc, body, (int)len, NULL, NULL, RW_XML_OPTIONS);
	xmlSetStructuredErrorFunc(old_sctx, old_serror);
	xmlSetGenericErrorFunc(old_gctx, old_generic);

	if (cap.refused || has_declared_entities(doc)) {
		rw_error(ctx, RW_EPARSE, "source '%s': line %d: entity declarations are not allowed", source,
			 cap.refused_line);
		failed = 1;
	} else if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		if (cap.nerrors > 0)
			rw_error(ctx, RW_EPARSE, "source '%s': line %d: %s", source, cap.first_line, cap.first);
		else
			rw_error(ctx, RW_EPARSE, "source '%s': no root element", source);
		failed = 1;
	} else {
		if (cap.nerrors > 0 || (!html && !pc->wellFormed)) {
			*degraded = 1;
			rw_log(ctx, RW_LOG_INFO, "source '%s': recovered from %d parse error(s), first at line %d: %s",
			       source, cap.nerrors, cap.first_line, cap.nerrors ? cap.first : "not well-formed");
		}
		if (cap.truncated) {
			*degraded = 1;
			rw_log(ctx, RW_LOG_INFO, "source '%s': document ends inside <%s>", source, cap.open_tag);
		}
	}
out:
	if (failed && doc != NULL) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (pc != NULL) {
		pc->_private = NULL;
		if (html)
			htmlFreeParserCtxt(pc);
		else
			xmlFreeParserCtxt(pc);
	}
	return doc;
}

/* Elements whose boundaries separate words in HTML. */
static int html_boundary(const xmlNode *n)
{
	static const char *const names[] = {
		"address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
		"fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
		"header", "hr", "li", "main", "nav", "ol", "option", "p", "pre", "section", "table",
		"tbody", "td", "tfoot", "th", "thead", "tr", "ul",
	};
	size_t i;

	if (n->type != XML_ELEMENT_NODE || n->name == NULL)
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp((const char *)n->name, names[i]) == 0)
			return 1;
	return 0;
}

static int html_skipped(const xmlNode *n)
{
	return n->type == XML_ELEMENT_NODE && n->name != NULL &&
	       (strcasecmp((const char *)n->name, "script") == 0 ||
		strcasecmp((const char *)n->name, "style") == 0);
}

struct text_out {
	rw_buf b;
	int space; /* a separator is pending */
};

static int text_append(struct text_out *t, const unsigned char *s)
{
	size_t i = 0;
	int rc;

	while (s[i]) {
		unsigned char c = s[i];

		if (c <= 0x20 || c == 0x7F) {
			t->space = 1;
			i++;
			continue;
		}
		if (c == 0xC2 && s[i + 1] == 0xA0) {
			t->space = 1;
			i += 2;
			continue;
		}
		if (t->space && t->b.len > 0 && (rc = rw_buf_putc(&t->b, ' ')) < 0)
			return rc;
		t->space = 0;
		if ((rc = rw_buf_putc(&t->b, (char)c)) < 0)
			return rc;
		i++;
	}
	return 0;
}

char *rw_xml_text(xmlNodePtr top)
{
	struct text_out t;
	xmlNodePtr n = top;
	int html, rc = 0;

	if (top == NULL)
		return rw_strdup("");
	rw_buf_init(&t.b, 0);
	t.space = 0;
	html = top->type == XML_HTML_DOCUMENT_NODE || (top->doc && top->doc->type == XML_HTML_DOCUMENT_NODE);
	for (;;) {
		int descend = 0;

		switch (n->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (n->content)
				rc = text_append(&t, n->content);
			break;
		case XML_ELEMENT_NODE:
			if (html && html_skipped(n))
				break;
			if (html && html_boundary(n))
				t.space = 1;
			descend = n->children != NULL;
			break;
		case XML_DOCUMENT_NODE:
		case XML_HTML_DOCUMENT_NODE:
		case XML_DOCUMENT_FRAG_NODE:
			descend = n->children != NULL;
			break;
		default: /* comments, processing instructions, unsubstituted entity references */
			break;
		}
		if (rc < 0)
			break;
		if (descend) {
			n = n->children;
			continue;
		}
		/* Next node in document order, staying inside top. */
		while (n != top) {
			if (html && html_boundary(n))
				t.space = 1;
			if (n->next != NULL) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (n == NULL)
				goto done;
		}
		if (n == top)
			break;
	}
done:
	if (rc < 0) {
		rw_buf_release(&t.b);
		return NULL;
	}
	return rw_buf_detach(&t.b, NULL);
}

static void xpath_quiet(void *data, xmlErrorPtr err)
{
	(void)data;
	(void)err;
}

xmlXPathContextPtr rw_xml_xpath_new(xmlDocPtr doc)
{
	static const struct {
		const char *prefix;
		const char *uri;
	} ns[] = {
		{"atom", "http://www.w3.org/2005/Atom"},
		{"dc", "http://purl.org/dc/elements/1.1/"},
		{"content", "http://purl.org/rss/1.0/modules/content/"},
		{"rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
	};
	xmlXPathContextPtr xp = xmlXPathNewContext(doc);
	size_t i;

	if (xp == NULL)
		return NULL;
	xp->opLimit = RW_XPATH_OP_LIMIT;
	xp->error = xpath_quiet;
	xp->userData = NULL;
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		if (xmlXPathRegisterNs(xp, BAD_CAST ns[i].prefix, BAD_CAST ns[i].uri) != 0) {
			xmlXPathFreeContext(xp);
			return NULL;
		}
	}
	return xp;
}

xmlXPathObjectPtr rw_xml_xpath(rw_ctx *ctx, const char *source, xmlXPathContextPtr xp, xmlNodePtr at,
			       const char *expr)
{
	xmlXPathCompExprPtr comp = NULL;
	xmlXPathObjectPtr res = NULL;
	char msg[256];

	if (source == NULL)
		source = "?";
	xp->node = at ? at : (xmlNodePtr)xp->doc;
	xp->opCount = 0;
	xmlResetError(&xp->lastError);
	comp = xmlXPathCtxtCompile(xp, BAD_CAST expr);
	if (comp == NULL) {
		copy_message(msg, sizeof(msg), xp->lastError.message ? xp->lastError.message : "invalid expression");
		rw_error(ctx, RW_EPARSE, "source '%s': xpath '%s': %s", source, expr, msg);
		goto out;
	}
	res = xmlXPathCompiledEval(comp, xp);
	if (res == NULL) {
		copy_message(msg, sizeof(msg), xp->lastError.message ? xp->lastError.message : "evaluation failed");
		rw_error(ctx, RW_EPARSE, "source '%s': xpath '%s': %s (error %d)", source, expr, msg,
			 xp->lastError.code);
		goto out;
	}
	if (res->type != XPATH_NODESET) {
		xmlXPathFreeObject(res);
		res = NULL;
		rw_error(ctx, RW_EPARSE, "source '%s': xpath '%s': does not select nodes", source, expr);
	}
out:
	xmlXPathFreeCompExpr(comp);
	return res;
}

int rw_xml_markup_text(rw_ctx *ctx, const char *source, xmlNodePtr node, char **out)
{
	xmlChar *markup = xmlNodeGetContent(node);
	xmlDocPtr frag = NULL;
	int degraded = 0;

	*out = NULL;
	if (markup == NULL)
		return RW_ENOMEM;
	if (markup[0] != '\0' && strpbrk((const char *)markup, "<&") != NULL) {
		frag = rw_xml_read(ctx, source, (const char *)markup, strlen((const char *)markup), 1, &degraded);
		if (frag == NULL)
			rw_clear_error(ctx); /* not even recoverable as HTML: keep the characters */
	}
	*out = rw_xml_text(frag != NULL ? (xmlNodePtr)frag : node);
	if (frag != NULL)
		xmlFreeDoc(frag);
	xmlFree(markup);
	return *out ? 0 : RW_ENOMEM;
}

/* 1 if s starts with a URI scheme ("https:", "tag:"). */
static int has_scheme(const char *s)
{
	const char *p = s;

	if (!isalpha((unsigned char)*p))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return *p == ':';
}

int rw_xml_resolve(xmlNodePtr node, const char *ref, char **out)
{
	xmlChar *base = NULL, *abs = NULL;

	*out = NULL;
	if (ref == NULL || ref[0] == '\0')
		return 0;
	if (!has_scheme(ref)) {
		base = xmlNodeGetBase(node->doc, node);
		if (base != NULL)
			abs = xmlBuildURI((const xmlChar *)ref, base);
	}
	*out = rw_strdup(abs != NULL ? (const char *)abs : ref);
	xmlFree(abs);
	xmlFree(base);
	return *out ? 0 : RW_ENOMEM;
}

int rw_xml_date(rw_ctx *ctx, const char *source, const char *item, xmlNodePtr node, char **date)
{
	char d[RW_DATE_LEN];
	char *s = rw_xml_text(node);
	int rc = 0;

	if (s == NULL)
		return RW_ENOMEM;
	if (rw_date_parse_any(s, d) == 0) {
		*date = rw_strdup(d);
		rc = *date ? 1 : RW_ENOMEM;
	} else {
		rw_log(ctx, RW_LOG_WARN, "source '%s': item '%.80s': unrecognised date '%.40s'", source,
		       item ? item : "", s);
	}
	free(s);
	return rc;
}

int rw_xml_each(rw_ctx *ctx, const char *source, xmlXPathContextPtr xp, const char *expr, int cap,
		const char *what, rw_xml_each_fn fn, void *arg)
{
	xmlXPathObjectPtr set = rw_xml_xpath(ctx, source, xp, NULL, expr);
	int i, n, rc = 0;

	if (set == NULL)
		return ctx->errcode < 0 ? ctx->errcode : RW_EPARSE;
	n = set->nodesetval ? set->nodesetval->nodeNr : 0;
	if (n > cap) {
		rw_log(ctx, RW_LOG_WARN, "source '%s': %d %s, only the first %d are read", source, n, what, cap);
		n = cap;
		rc = 1;
	}
	for (i = 0; i < n; i++) {
		int frc = fn(ctx, arg, set->nodesetval->nodeTab[i]);

		if (frc < 0) {
			rc = frc == RW_ENOMEM ? rw_error(ctx, RW_ENOMEM, "source '%s': out of memory", source) : frc;
			break;
		}
	}
	xmlXPathFreeObject(set);
	return rc;
}
