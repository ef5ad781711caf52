/*
 * The safe libxml2 set-up against hostile documents: external entities, external
 * DTDs, XInclude, entity expansion bombs, deep nesting, oversized bodies, XPath
 * cost, and errors that must not reach stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#define RW_XMLUTIL_NO_LIBXML 1
#include "testutil.h"
#include "regwatch/parse.h"
#include "parse/xmlutil.h"

/*
 * The unit tests are built without libxml2's include path, so the few libxml2 2.9
 * entry points used directly here are declared with their exact public prototypes.
 */
struct _xmlParserInput;
struct _xmlParserCtxt;
typedef struct _xmlParserInput *(*lx_loader)(const char *url, const char *id, struct _xmlParserCtxt *ctxt);
void xmlSetExternalEntityLoader(lx_loader f);
lx_loader xmlGetExternalEntityLoader(void);
int xmlSubstituteEntitiesDefault(int val);
struct _xmlDoc *xmlReadMemory(const char *buffer, int size, const char *url, const char *encoding, int options);
void xmlFreeDoc(struct _xmlDoc *doc);
void xmlXPathFreeContext(struct _xmlXPathContext *ctxt);
void xmlXPathFreeObject(struct _xmlXPathObject *obj);
/* xmlParserOption values */
enum { LX_NOENT = 1 << 1, LX_DTDLOAD = 1 << 2, LX_NOERROR = 1 << 5, LX_NOWARNING = 1 << 6 };

#define SECRET_MARK "RWSECRET-7f3a9c"

static lx_loader default_loader; /* libxml2's own loader, for the negative controls */
static lx_loader product_loader; /* what rw_parse_global_init installed */
static int loader_calls;

static char *tmpdir, *secret_path, *dtd_path;
static int listen_fd = -1;
static char port[16];

/* Counts every external load libxml2 attempts and hands it to the loader under test. */
static struct _xmlParserInput *counting_loader(const char *url, const char *id, struct _xmlParserCtxt *ctxt)
{
	loader_calls++;
	return product_loader(url, id, ctxt);
}

static void setup(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	char *dtd;

	loader_calls = 0;
	tmpdir = rw_test_tmpdir();
	secret_path = rw_test_write(tmpdir, "secret.txt", SECRET_MARK "\n");
	dtd = rw_asprintf("<!ENTITY leak SYSTEM \"file://%s\">\n<!ENTITY plain \"%s\">\n", secret_path, SECRET_MARK);
	dtd_path = rw_test_write(tmpdir, "evil.dtd", dtd);
	free(dtd);

	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(listen_fd, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(listen_fd, 8), 0);
	ck_assert_int_eq(getsockname(listen_fd, (struct sockaddr *)&sa, &sl), 0);
	snprintf(port, sizeof(port), "%u", (unsigned)ntohs(sa.sin_port));
}

static void teardown(void)
{
	if (listen_fd >= 0)
		close(listen_fd);
	listen_fd = -1;
	rw_test_rmtree(tmpdir);
	free(tmpdir);
	free(secret_path);
	free(dtd_path);
}

/* Replaces every `from` in s (owned) with `to`; returns the new string. */
static char *replace_all(char *s, const char *from, const char *to)
{
	rw_buf b = RW_BUF_INIT;
	const char *p = s, *q;

	while ((q = strstr(p, from)) != NULL) {
		ck_assert_int_eq(rw_buf_append(&b, p, (size_t)(q - p)), 0);
		ck_assert_int_eq(rw_buf_puts(&b, to), 0);
		p = q + strlen(from);
	}
	ck_assert_int_eq(rw_buf_puts(&b, p), 0);
	free(s);
	return rw_buf_detach(&b, NULL);
}

/* tests/data/xml-hostile/NAME with its placeholders filled in. */
static char *hostile(const char *name)
{
	char *path = rw_asprintf("xml-hostile/%s", name);
	char *s = rw_test_data(path, NULL);

	free(path);
	s = replace_all(s, "@SECRET@", secret_path);
	s = replace_all(s, "@DTD@", dtd_path);
	return replace_all(s, "@PORT@", port);
}

static char *doc_text(struct _xmlDoc *doc)
{
	char *t = rw_xml_text((struct _xmlNode *)doc);

	ck_assert_ptr_nonnull(t);
	return t;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int no_connection(void)
{
	int fd = accept(listen_fd, NULL, NULL);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno == EAGAIN || errno == EWOULDBLOCK;
}

/* stderr goes to a file while a test step runs; its size is returned at the end. */
static int stderr_begin(const char *path)
{
	int saved, fd;

	fflush(stderr);
	saved = dup(2);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, 2), 0);
	close(fd);
	return saved;
}

static long stderr_end(int saved, const char *path)
{
	struct stat st;

	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ck_assert_int_eq(stat(path, &st), 0);
	return (long)st.st_size;
}

/* The XXE fixture is a real attack: libxml2's own loader with NOENT reads the secret. */
START_TEST(xxe_fixture_leaks_without_protection)
{
	char *body = hostile("xxe-file.xml");
	struct _xmlDoc *doc;
	char *text;

	xmlSetExternalEntityLoader(default_loader);
	doc = xmlReadMemory(body, (int)strlen(body), NULL, NULL, LX_NOENT | LX_NOERROR | LX_NOWARNING);
	xmlSetExternalEntityLoader(counting_loader);
	ck_assert_ptr_nonnull(doc);
	text = doc_text(doc);
	ck_assert_ptr_nonnull(strstr(text, SECRET_MARK));
	free(text);
	xmlFreeDoc(doc);

	/* The deny-all loader refuses even when the options would allow the load. */
	doc = xmlReadMemory(body, (int)strlen(body), NULL, NULL, LX_NOENT | LX_DTDLOAD | LX_NOERROR | LX_NOWARNING);
	ck_assert_int_gt(loader_calls, 0);
	if (doc != NULL) {
		text = doc_text(doc);
		ck_assert_ptr_null(strstr(text, SECRET_MARK));
		free(text);
		xmlFreeDoc(doc);
	}
	free(body);
}
END_TEST

static void check_xxe_refused(void)
{
	rw_ctx ctx;
	int degraded = -1;
	char *body = hostile("xxe-file.xml");
	struct _xmlDoc *doc;

	rw_ctx_init(&ctx, 0);
	doc = rw_xml_read(&ctx, "hostile", body, strlen(body), 0, &degraded);
	ck_assert_ptr_null(doc);
	ck_assert_int_eq(ctx.errcode, RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&ctx), "source 'hostile': line 2: entity declarations are not allowed");
	ck_assert_int_eq(loader_calls, 0);
	free(body);
}

static void check_external_dtd_ignored(void)
{
	rw_ctx ctx;
	int degraded = -1;
	char *body = hostile("external-dtd.xml");
	struct _xmlDoc *doc;
	char *text;

	rw_ctx_init(&ctx, 0);
	doc = rw_xml_read(&ctx, "hostile", body, strlen(body), 0, &degraded);
	ck_assert_msg(doc != NULL, "%s", rw_errmsg(&ctx));
	text = doc_text(doc);
	ck_assert_ptr_nonnull(strstr(text, "FCC headlines"));
	ck_assert_ptr_null(strstr(text, SECRET_MARK));
	ck_assert_int_eq(loader_calls, 0);
	free(text);
	xmlFreeDoc(doc);
	free(body);
}

START_TEST(xxe_general_entity)
{
	check_xxe_refused();
}
END_TEST

START_TEST(external_dtd_file)
{
	check_external_dtd_ignored();
}
END_TEST

/* The legacy process-wide default does not reach our parser contexts: options decide. */
START_TEST(substitute_default_overridden)
{
	xmlSubstituteEntitiesDefault(1);
	check_xxe_refused();
	check_external_dtd_ignored();
}
END_TEST

START_TEST(external_dtd_http)
{
	rw_ctx ctx;
	int degraded = -1;
	char *body = hostile("external-dtd-http.xml");
	struct _xmlDoc *doc;
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd;

	rw_ctx_init(&ctx, 0);
	doc = rw_xml_read(&ctx, "hostile", body, strlen(body), 0, &degraded);
	ck_assert_msg(doc != NULL, "%s", rw_errmsg(&ctx));
	xmlFreeDoc(doc);
	ck_assert_int_eq(loader_calls, 0);
	ck_assert_int_eq(no_connection(), 1);

	/* The listener does see a connection when one is made. */
	ck_assert_int_eq(getsockname(listen_fd, (struct sockaddr *)&sa, &sl), 0);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	usleep(20000);
	ck_assert_int_eq(no_connection(), 0);
	close(fd);
	free(body);
}
END_TEST

START_TEST(parameter_entities)
{
	static const char *const names[] = {"parameter-entity.xml", "parameter-entity-internal.xml"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		rw_ctx ctx;
		int degraded = -1;
		char *body = hostile(names[i]);

		rw_ctx_init(&ctx, 0);
		ck_assert_ptr_null(rw_xml_read(&ctx, "hostile", body, strlen(body), 0, &degraded));
		ck_assert_str_eq(rw_errmsg(&ctx), "source 'hostile': line 2: entity declarations are not allowed");
		free(body);
	}
	ck_assert_int_eq(loader_calls, 0);
}
END_TEST

START_TEST(xinclude_not_processed)
{
	rw_ctx ctx;
	int degraded = -1;
	char *body = hostile("xinclude.xml");
	struct _xmlDoc *doc;
	char *text;

	rw_ctx_init(&ctx, 0);
	doc = rw_xml_read(&ctx, "hostile", body, strlen(body), 0, &degraded);
	ck_assert_msg(doc != NULL, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(degraded, 0);
	text = doc_text(doc);
	ck_assert_str_eq(text, "GOV.UK search Leak:");
	ck_assert_int_eq(loader_calls, 0);
	free(text);
	xmlFreeDoc(doc);
	free(body);
}
END_TEST

START_TEST(billion_laughs)
{
	rw_ctx ctx;
	int degraded = -1;
	char *body = hostile("billion-laughs.xml");
	double t0 = now_s();

	rw_ctx_init(&ctx, 0);
	ck_assert_ptr_null(rw_xml_read(&ctx, "hostile", body, strlen(body), 0, &degraded));
	ck_assert_double_lt(now_s() - t0, 1.0);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "entity declarations are not allowed"));
	free(body);
}
END_TEST

/* One 50 kB entity referenced 20 000 times (quadratic blow-up): refused at once. */
START_TEST(quadratic_blowup)
{
	rw_ctx ctx;
	rw_buf b = RW_BUF_INIT;
	int degraded = -1, i;
	double t0;

	ck_assert_int_eq(rw_buf_puts(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY a \""), 0);
	for (i = 0; i < 50000; i++)
		ck_assert_int_eq(rw_buf_putc(&b, 'a'), 0);
	ck_assert_int_eq(rw_buf_puts(&b, "\">]>\n<r>"), 0);
	for (i = 0; i < 20000; i++)
		ck_assert_int_eq(rw_buf_puts(&b, "&a;"), 0);
	ck_assert_int_eq(rw_buf_puts(&b, "</r>\n"), 0);
	rw_ctx_init(&ctx, 0);
	t0 = now_s();
	ck_assert_ptr_null(rw_xml_read(&ctx, "hostile", b.data, b.len, 0, &degraded));
	ck_assert_double_lt(now_s() - t0, 1.0);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "entity declarations are not allowed"));
	rw_buf_release(&b);
}
END_TEST

static char *nested(const char *open, const char *close, int depth)
{
	rw_buf b = RW_BUF_INIT;
	int i;

	ck_assert_int_eq(rw_buf_puts(&b, "<html><body>"), 0);
	for (i = 0; i < depth; i++)
		ck_assert_int_eq(rw_buf_puts(&b, open), 0);
	ck_assert_int_eq(rw_buf_puts(&b, "deep"), 0);
	for (i = 0; i < depth; i++)
		ck_assert_int_eq(rw_buf_puts(&b, close), 0);
	ck_assert_int_eq(rw_buf_puts(&b, "</body></html>"), 0);
	return rw_buf_detach(&b, NULL);
}

START_TEST(deep_nesting)
{
	static const int html[] = {0, 1};
	size_t i;

	for (i = 0; i < 2; i++) {
		rw_ctx ctx;
		int degraded = -1;
		char *body = nested(html[i] ? "<div>" : "<a>", html[i] ? "</div>" : "</a>", 3000);
		double t0 = now_s();
		struct _xmlDoc *doc;

		rw_ctx_init(&ctx, 0);
		doc = rw_xml_read(&ctx, "hostile", body, strlen(body), html[i], &degraded);
		ck_assert_double_lt(now_s() - t0, 1.0);
		/* Either refused, or kept only as a degraded partial tree. */
		if (doc != NULL) {
			ck_assert_int_eq(degraded, 1);
			xmlFreeDoc(doc);
		} else {
			ck_assert_int_eq(ctx.errcode, RW_EPARSE);
		}
		free(body);
	}
}
END_TEST

START_TEST(html_variants)
{
	static const char *const names[] = {"xxe.html", "external-dtd.html"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		rw_ctx ctx;
		int degraded = -1;
		char *body = hostile(names[i]);
		struct _xmlDoc *doc;
		char *text;

		rw_ctx_init(&ctx, 0);
		doc = rw_xml_read(&ctx, "hostile", body, strlen(body), 1, &degraded);
		ck_assert_msg(doc != NULL, "%s: %s", names[i], rw_errmsg(&ctx));
		text = doc_text(doc);
		ck_assert_msg(strstr(text, SECRET_MARK) == NULL, "%s: %s", names[i], text);
		ck_assert_ptr_nonnull(strstr(text, "Leak:"));
		free(text);
		xmlFreeDoc(doc);
		free(body);
	}
	ck_assert_int_eq(loader_calls, 0);
	ck_assert_int_eq(no_connection(), 1);
}
END_TEST

START_TEST(errors_captured_not_printed)
{
	char *log = rw_asprintf("%s/stderr.txt", tmpdir);
	int saved = stderr_begin(log);
	const char *broken_xml = "<?xml version=\"1.0\"?>\n<rss>\n<channel><title>a & b</title>\n<item></channel>\n";
	const char *not_xml = "\n\nthis is not a document";
	const char *broken_html = "<html><body><table><tr><td class=\"x>cell</table></body>";
	struct _xmlXPathContext *xp;
	struct _xmlDoc *doc;
	char msg[1024];
	rw_ctx ctx;
	int degraded = -1;
	long printed;

	rw_ctx_init(&ctx, 0);
	doc = rw_xml_read(&ctx, "broken", broken_xml, strlen(broken_xml), 0, &degraded);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(degraded, 1);
	xp = rw_xml_xpath_new(doc);
	ck_assert_ptr_nonnull(xp);
	ck_assert_ptr_null(rw_xml_xpath(&ctx, "broken", xp, NULL, "//item[")); /* invalid expression */
	snprintf(msg, sizeof(msg), "%s", rw_errmsg(&ctx));
	xmlXPathFreeContext(xp);
	xmlFreeDoc(doc);

	ck_assert_ptr_null(rw_xml_read(&ctx, "broken", not_xml, strlen(not_xml), 0, &degraded));
	doc = rw_xml_read(&ctx, "broken", broken_html, strlen(broken_html), 1, &degraded);
	ck_assert_ptr_nonnull(doc);
	xmlFreeDoc(doc);
	printed = stderr_end(saved, log);

	ck_assert_ptr_nonnull(strstr(msg, "source 'broken': xpath '//item[': "));
	ck_assert_str_eq(rw_errmsg(&ctx), "source 'broken': line 3: Start tag expected, '<' not found");
	ck_assert_int_eq(degraded, 1);
	ck_assert_int_eq(printed, 0);
	free(log);
}
END_TEST

START_TEST(body_larger_than_int_max)
{
	size_t len = (size_t)INT_MAX + 1;
	/* Address space only: pages are never touched unless the parser reads them. */
	char *big = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	rw_ctx ctx;
	int degraded = -1;

	ck_assert_ptr_ne(big, MAP_FAILED);
	rw_ctx_init(&ctx, 0);
	ck_assert_ptr_null(rw_xml_read(&ctx, "huge", big, len, 0, &degraded));
	ck_assert_int_eq(ctx.errcode, RW_ELIMIT);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "source 'huge': document of 2147483648 bytes"));
	ck_assert_ptr_null(rw_xml_read(&ctx, "huge", big, len, 1, &degraded));
	ck_assert_int_eq(ctx.errcode, RW_ELIMIT);
	munmap(big, len);
}
END_TEST

START_TEST(empty_body)
{
	rw_ctx ctx;
	int degraded = -1;

	rw_ctx_init(&ctx, 0);
	ck_assert_ptr_null(rw_xml_read(&ctx, "blank", "", 0, 0, &degraded));
	ck_assert_str_eq(rw_errmsg(&ctx), "source 'blank': empty document");
	ck_assert_ptr_null(rw_xml_read(&ctx, "blank", NULL, 0, 1, &degraded));
	ck_assert_str_eq(rw_errmsg(&ctx), "source 'blank': empty document");
}
END_TEST

/* A quadratic XPath expression over 9 000 elements stops at the operation limit. */
START_TEST(xpath_op_limit)
{
	rw_buf b = RW_BUF_INIT;
	struct _xmlXPathContext *xp;
	struct _xmlXPathObject *res;
	struct _xmlDoc *doc;
	rw_ctx ctx;
	int degraded = -1, i;
	double t0;

	ck_assert_int_eq(rw_buf_puts(&b, "<list>"), 0);
	for (i = 0; i < 9000; i++)
		ck_assert_int_eq(rw_buf_puts(&b, "<item/>"), 0);
	ck_assert_int_eq(rw_buf_puts(&b, "</list>"), 0);
	rw_ctx_init(&ctx, 0);
	doc = rw_xml_read(&ctx, "many", b.data, b.len, 0, &degraded);
	ck_assert_ptr_nonnull(doc);
	xp = rw_xml_xpath_new(doc);
	ck_assert_ptr_nonnull(xp);

	res = rw_xml_xpath(&ctx, "many", xp, NULL, "/list/item");
	ck_assert_ptr_nonnull(res);
	xmlXPathFreeObject(res);

	t0 = now_s();
	res = rw_xml_xpath(&ctx, "many", xp, NULL, "//*[count(//*) > 0]");
	ck_assert_double_lt(now_s() - t0, 1.0);
	ck_assert_ptr_null(res);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "(error 1225)"));

	/* The budget is per evaluation: the context stays usable. */
	res = rw_xml_xpath(&ctx, "many", xp, NULL, "/list/item[1]");
	ck_assert_ptr_nonnull(res);
	xmlXPathFreeObject(res);

	/* An expression that is not a node set is refused. */
	ck_assert_ptr_null(rw_xml_xpath(&ctx, "many", xp, NULL, "count(//item)"));
	ck_assert_str_eq(rw_errmsg(&ctx), "source 'many': xpath 'count(//item)': does not select nodes");
	xmlXPathFreeContext(xp);
	xmlFreeDoc(doc);
	rw_buf_release(&b);
}
END_TEST

START_TEST(text_normalised)
{
	const char *html = "<html><body><p>a<br>b&nbsp;&nbsp;\t c</p><script>var s = 1;</script>"
			   "<style>p{}</style><ul><li>d</li><li>e<!-- note --></li></ul>f<b>g</b></body></html>";
	const char *xml = "<r>\n  x\r\n\t y <![CDATA[z]]><?pi ignored?><q>w</q>v</r>";
	struct _xmlDoc *doc;
	rw_ctx ctx;
	int degraded = -1;
	char *t;

	rw_ctx_init(&ctx, 0);
	doc = rw_xml_read(&ctx, "text", html, strlen(html), 1, &degraded);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(degraded, 0);
	t = doc_text(doc);
	ck_assert_str_eq(t, "a b c d e fg");
	free(t);
	xmlFreeDoc(doc);

	doc = rw_xml_read(&ctx, "text", xml, strlen(xml), 0, &degraded);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(degraded, 0);
	t = doc_text(doc);
	ck_assert_str_eq(t, "x y zwv");
	free(t);
	xmlFreeDoc(doc);
}
END_TEST

/* Undecodable bytes are read by the document's own charset (here ISO-8859-1). */
START_TEST(html_charset)
{
	const char *latin1 = "<html><head><meta charset=\"iso-8859-1\"></head><body><p>Caf\xE9</p></body></html>";
	const char *utf8 = "<table><tr><td>Agency\xE2\x80\x99s \xE2\x80\x94 list</td></tr></table>";
	struct _xmlDoc *doc;
	rw_ctx ctx;
	int degraded = -1;
	char *t;

	rw_ctx_init(&ctx, 0);
	doc = rw_xml_read(&ctx, "charset", latin1, strlen(latin1), 1, &degraded);
	ck_assert_ptr_nonnull(doc);
	t = doc_text(doc);
	ck_assert_str_eq(t, "Caf\xC3\xA9");
	free(t);
	xmlFreeDoc(doc);

	/* UTF-8 without a declaration (a bare table) is still UTF-8. */
	doc = rw_xml_read(&ctx, "charset", utf8, strlen(utf8), 1, &degraded);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(degraded, 0);
	t = doc_text(doc);
	ck_assert_str_eq(t, "Agency\xE2\x80\x99s \xE2\x80\x94 list");
	free(t);
	xmlFreeDoc(doc);
}
END_TEST

/* A transfer cut off between two elements still parses without errors; it is flagged. */
START_TEST(html_truncation_flagged)
{
	const char *cut = "<html><body><table><tr><td>one</td></tr><tr><td>two</td></tr>";
	const char *whole = "<table><tr><td>one</td></tr></table>";
	const char *cut_text = "<html><body><p>some text that stops in the midd";
	const char *item = "The FCC added <b>routers</b> to the list: <a href=\"/document/x\">notice";
	struct _xmlDoc *doc;
	rw_ctx ctx;
	int degraded = -1;

	rw_ctx_init(&ctx, 0);
	doc = rw_xml_read(&ctx, "cut", cut, strlen(cut), 1, &degraded);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(degraded, 1);
	xmlFreeDoc(doc);
	doc = rw_xml_read(&ctx, "cut", cut_text, strlen(cut_text), 1, &degraded);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(degraded, 1);
	xmlFreeDoc(doc);
	/* Fragments (a table, feed item markup) are not judged by what they leave open. */
	doc = rw_xml_read(&ctx, "cut", whole, strlen(whole), 1, &degraded);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(degraded, 0);
	xmlFreeDoc(doc);
	doc = rw_xml_read(&ctx, "cut", item, strlen(item), 1, &degraded);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(degraded, 0);
	xmlFreeDoc(doc);
}
END_TEST

static Suite *xml_safety_suite(void)
{
	Suite *s = suite_create("xml_safety");
	TCase *tc = tcase_create("hostile");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, xxe_fixture_leaks_without_protection);
	tcase_add_test(tc, xxe_general_entity);
	tcase_add_test(tc, external_dtd_file);
	tcase_add_test(tc, substitute_default_overridden);
	tcase_add_test(tc, external_dtd_http);
	tcase_add_test(tc, parameter_entities);
	tcase_add_test(tc, xinclude_not_processed);
	tcase_add_test(tc, billion_laughs);
	tcase_add_test(tc, quadratic_blowup);
	tcase_add_test(tc, deep_nesting);
	tcase_add_test(tc, html_variants);
	tcase_add_test(tc, errors_captured_not_printed);
	tcase_add_test(tc, body_larger_than_int_max);
	tcase_add_test(tc, empty_body);
	tcase_add_test(tc, xpath_op_limit);
	tcase_add_test(tc, text_normalised);
	tcase_add_test(tc, html_charset);
	tcase_add_test(tc, html_truncation_flagged);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int rc;

	default_loader = xmlGetExternalEntityLoader();
	rw_parse_global_init();
	product_loader = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(counting_loader);
	rc = rw_test_run(xml_safety_suite());
	rw_parse_global_cleanup();
	return rc;
}
