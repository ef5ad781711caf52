/*
 * Parse throughput of regwatch's parsers on generated documents.
 *
 * usage: bench_parse gen FORMAT FILE SIZE
 *            writes a generated document: FORMAT xml (an OFAC sdnList) or csv (a
 *            trade.gov CSL) of SIZE MiB, or rss / atom (a news feed) of SIZE items
 *        bench_parse parse FORMAT FILE
 *            reads FILE as a fetched body is held (one buffer) and parses it as a
 *            source of that format; prints one line:
 *            "bytes N records N wall S cpu S maxrss_kib N text_bytes N other_field_bytes N"
 *            (wall and cpu cover the parse call only; maxrss is the process's peak,
 *            document included; text_bytes: the records' whole-row texts, other_field_bytes:
 *            their other strings, both with terminators but without allocator overhead).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "regwatch/core.h"
#include "regwatch/parse.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds (user + system) of this process. */
static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

static long maxrss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss; /* KiB on Linux */
}

/* An sdnList shaped like CONSOLIDATED.XML: CMIC-style entities with ids, akas and an address. */
static int make_sdnlist(rw_buf *b, size_t target)
{
	long i;
	int rc;

	rc = rw_buf_puts(b, "<?xml version=\"1.0\" standalone=\"yes\"?>\n<sdnList xmlns:xsi=\"http://www.w3.org/2001/"
			    "XMLSchema-instance\" xmlns=\"https://sanctionslistservice.ofac.treas.gov/api/"
			    "PublicationPreview/exports/XML\">\n  <publshInformation>\n    <Publish_Date>11/28/2026"
			    "</Publish_Date>\n  </publshInformation>\n");
	for (i = 1; rc == 0 && b->len < target; i++)
		rc = rw_buf_printf(b,
			"  <sdnEntry>\n    <uid>%ld</uid>\n    <lastName>GENERATED ENTITY %ld TECHNOLOGY CO., LTD.</lastName>\n"
			"    <sdnType>Entity</sdnType>\n    <remarks>Linked To: GENERATED HOLDING %ld CO., LTD.</remarks>\n"
			"    <programList>\n      <program>CMIC-EO13959</program>\n    </programList>\n    <idList>\n"
			"      <id>\n        <uid>%ld</uid>\n        <idType>ISIN</idType>\n        <idNumber>CNE1%08ld</idNumber>\n      </id>\n"
			"      <id>\n        <uid>%ld</uid>\n        <idType>Target Type</idType>\n        <idNumber>Private Company</idNumber>\n      </id>\n"
			"      <id>\n        <uid>%ld</uid>\n        <idType>Effective Date (CMIC)</idType>\n        <idNumber>02 Aug 2021</idNumber>\n      </id>\n"
			"      <id>\n        <uid>%ld</uid>\n        <idType>Listing Date (CMIC)</idType>\n        <idNumber>03 Jun 2021</idNumber>\n      </id>\n"
			"    </idList>\n    <akaList>\n      <aka>\n        <uid>%ld</uid>\n        <type>a.k.a.</type>\n"
			"        <category>strong</category>\n        <lastName>GENERATED %ld</lastName>\n      </aka>\n    </akaList>\n"
			"    <addressList>\n      <address>\n        <uid>%ld</uid>\n        <address1>%ld, Example Road, Example District</address1>\n"
			"        <city>Shenzhen</city>\n        <stateOrProvince>Guangdong</stateOrProvince>\n        <postalCode>518129</postalCode>\n"
			"        <country>China</country>\n      </address>\n    </addressList>\n  </sdnEntry>\n",
			i, i, i, i * 10, i, i * 10 + 1, i * 10 + 2, i * 10 + 3, i * 10 + 4, i, i * 10 + 5, i);
	if (rc == 0)
		rc = rw_buf_puts(b, "</sdnList>\n");
	return rc;
}

/* A CSL CSV with the current header, quoted fields and CRLF. */
static int make_csl(rw_buf *b, size_t target)
{
	long i;
	int rc;

	rc = rw_buf_puts(b, "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,"
			    "end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,"
			    "gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,"
			    "dates_of_birth,nationalities,places_of_birth,source_information_url,ids\r\n");
	for (i = 1; rc == 0 && b->len < target; i++)
		rc = rw_buf_printf(b,
			"\"%056lx\",\"Entity List (EL) - Bureau of Industry and Security\",\"\",\"\",\"\","
			"\"Generated Entity %ld Co., Ltd.\",\"\",\"%ld Example Road, Example District, Shenzhen, Guangdong, CN\","
			"\"84 FR 22961\",\"2019-05-21\",\"\",\"\",\"For all items subject to the EAR. (See \xC2\xA7" "744.11 of the EAR)\","
			"\"Presumption of denial\",\"\",\"\",\"\",\"\",\"\",\"\",\"\","
			"\"https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/entity-list\","
			"\"Generated %ld; GE %ld\",\"\",\"\",\"\",\"\","
			"\"https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/entity-list\",\"\"\r\n",
			(unsigned long)i * 2654435761u, i, i, i, i);
	return rc;
}

static const char *const vendors_named[] = {"Hikvision", "Dahua", "Huawei", "ZTE", "Hytera"};

/* An RSS 2.0 feed of n items in the Federal Register's shape: escaped HTML descriptions, RFC 822 dates. */
static int make_rss(rw_buf *b, long n)
{
	long i;
	int rc;

	rc = rw_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" "
			    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n"
			    "<title>Federal Register: documents naming five vendors</title>\n"
			    "<link>https://www.federalregister.gov/documents/search</link>\n"
			    "<description>Generated feed of regulatory documents</description>\n");
	for (i = 0; rc == 0 && i < n; i++) {
		long day = i % 28 + 1, month = i / 28 % 12, year = 2026 - i / 336;
		static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
						  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

		rc = rw_buf_printf(b,
			"<item>\n<title>Protecting Against National Security Threats to the Communications Supply Chain, "
			"notice %ld</title>\n<link>https://www.federalregister.gov/documents/%ld/%02ld/%02ld/2026-%05ld/notice-%ld</link>\n"
			"<description>&lt;p&gt;The Commission adds equipment produced by &lt;strong&gt;%s&lt;/strong&gt; "
			"to the Covered List &amp;amp; seeks comment on docket %ld; see &lt;a href=\"https://www.fcc.gov/"
			"document/%ld\"&gt;the order&lt;/a&gt;.&lt;/p&gt;</description>\n"
			"<pubDate>Thu, %02ld %s %ld 09:%02ld:00 -0500</pubDate>\n<guid isPermaLink=\"false\">fr-2026-%05ld</guid>\n"
			"<dc:creator>Federal Communications Commission</dc:creator>\n</item>\n",
			i, year, month + 1, day, i, i, vendors_named[i % 5], 18000 + i, i, day, mon[month], year, i % 60,
			i);
	}
	if (rc == 0)
		rc = rw_buf_puts(b, "</channel>\n</rss>\n");
	return rc;
}

/* An Atom feed of n entries in the GOV.UK finder's shape: html summaries, updated with an offset. */
static int make_atom(rw_buf *b, long n)
{
	long i;
	int rc;

	rc = rw_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xml:lang=\"en-US\" "
			    "xmlns=\"http://www.w3.org/2005/Atom\">\n"
			    "  <id>tag:www.gov.uk,2005:/search/news-and-communications</id>\n"
			    "  <link rel=\"alternate\" type=\"text/html\" href=\"https://www.gov.uk\"/>\n"
			    "  <title>News and communications</title>\n  <updated>2026-11-24T10:00:00+00:00</updated>\n"
			    "  <author>\n    <name>HM Government</name>\n  </author>\n");
	for (i = 0; rc == 0 && i < n; i++) {
		long day = i % 28 + 1, month = i / 28 % 12 + 1, year = 2026 - i / 336;

		rc = rw_buf_printf(b,
			"  <entry>\n    <id>tag:www.gov.uk,2005:/government/news/generated-%ld</id>\n"
			"    <updated>%ld-%02ld-%02ldT10:%02ld:00+01:00</updated>\n"
			"    <link rel=\"alternate\" type=\"text/html\" href=\"https://www.gov.uk/government/news/generated-%ld\"/>\n"
			"    <title>Security update %ld on %s equipment</title>\n"
			"    <summary type=\"html\">Departments instructed to review %s equipment on sensitive sites &amp;amp; "
			"report within 30 days (notice %ld).</summary>\n  </entry>\n",
			i, year, month, day, i % 60, i, i, vendors_named[i % 5], vendors_named[i % 5], i);
	}
	if (rc == 0)
		rc = rw_buf_puts(b, "</feed>\n");
	return rc;
}

static int known_format(const char *f)
{
	return strcmp(f, "xml") == 0 || strcmp(f, "csv") == 0 || strcmp(f, "rss") == 0 || strcmp(f, "atom") == 0;
}

static int gen(const char *format, const char *path, long size)
{
	rw_buf doc = RW_BUF_INIT;
	FILE *f = NULL;
	int rc, status = 1;

	if (strcmp(format, "xml") == 0)
		rc = make_sdnlist(&doc, (size_t)size << 20);
	else if (strcmp(format, "csv") == 0)
		rc = make_csl(&doc, (size_t)size << 20);
	else if (strcmp(format, "rss") == 0)
		rc = make_rss(&doc, size);
	else
		rc = make_atom(&doc, size);
	if (rc < 0) {
		fprintf(stderr, "bench_parse: cannot generate the %s document\n", format);
		goto out;
	}
	f = fopen(path, "wb");
	if (f == NULL || fwrite(doc.data, 1, doc.len, f) != doc.len) {
		fprintf(stderr, "bench_parse: cannot write '%s'\n", path);
		goto out;
	}
	status = 0;
out:
	if (f && fclose(f) != 0 && status == 0) {
		fprintf(stderr, "bench_parse: cannot write '%s'\n", path);
		status = 1;
	}
	rw_buf_release(&doc);
	return status;
}

static int parse(const char *format, const char *path)
{
	rw_ctx ctx;
	rw_source src;
	rw_records recs = {NULL, 0, 0, 0};
	rw_buf doc = RW_BUF_INIT;
	char name[] = "bench", fmt[8];
	double t0, t1, c0, c1;
	size_t i, text = 0, fields = 0;
	int status = 1;

	memset(&src, 0, sizeof(src));
	snprintf(fmt, sizeof(fmt), "%s", format);
	src.name = name;
	src.format = fmt;
	rw_ctx_init(&ctx, time(NULL));
	if (rw_read_file(&ctx, &doc, path, (size_t)2 << 30) < 0) {
		fprintf(stderr, "bench_parse: %s\n", rw_errmsg(&ctx));
		goto out;
	}
	t0 = now_s();
	c0 = cpu_s();
	if (rw_parse(&ctx, &src, rw_buf_cstr(&doc), doc.len, &recs) < 0) {
		fprintf(stderr, "bench_parse: %s\n", rw_errmsg(&ctx));
		goto out;
	}
	c1 = cpu_s();
	t1 = now_s();
	for (i = 0; i < recs.n; i++) {
		const rw_record *r = &recs.v[i];
		size_t k;

		text += r->text ? strlen(r->text) + 1 : 0;
		fields += (r->entity ? strlen(r->entity) + 1 : 0) + (r->date ? strlen(r->date) + 1 : 0) +
			  (r->title ? strlen(r->title) + 1 : 0) + (r->link ? strlen(r->link) + 1 : 0) +
			  (r->list ? strlen(r->list) + 1 : 0) + (r->effective ? strlen(r->effective) + 1 : 0) +
			  (r->uid ? strlen(r->uid) + 1 : 0);
		for (k = 0; k < r->aliases.n; k++)
			fields += strlen(r->aliases.v[k]) + 1;
		for (k = 0; k < r->updates.n; k++)
			fields += strlen(r->updates.v[k]) + 1;
	}
	printf("bytes %zu records %zu wall %.6f cpu %.6f maxrss_kib %ld text_bytes %zu other_field_bytes %zu\n",
	       doc.len, recs.n, t1 - t0, c1 - c0, maxrss_kib(), text, fields);
	status = fflush(stdout) == 0 ? 0 : 1;
out:
	rw_records_release(&recs);
	rw_buf_release(&doc);
	return status;
}

int main(int argc, char **argv)
{
	long size = 0;
	int status = 2;

	if (argc == 5 && strcmp(argv[1], "gen") == 0 && known_format(argv[2]) &&
	    rw_parse_long(argv[4], 1, 1000000, &size) == 0)
		status = gen(argv[2], argv[3], size);
	else if (argc == 4 && strcmp(argv[1], "parse") == 0 && known_format(argv[2])) {
		rw_parse_global_init();
		status = parse(argv[2], argv[3]);
		rw_parse_global_cleanup();
	} else {
		fprintf(stderr, "usage: bench_parse gen xml|csv|rss|atom FILE SIZE\n"
				"       bench_parse parse xml|csv|rss|atom FILE\n");
	}
	return status;
}
