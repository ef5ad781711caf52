/*
 * Parse throughput of the list parsers on generated documents of list size
 * (default ~100 MB each): an OFAC sdnList XML and a trade.gov CSL CSV. Prints
 * MB/s and the process's peak resident set size (getrusage) after each parse.
 * The target is >= 100 MB/s and a peak of at most twice the document.
 *
 * usage: bench_parse_lists [MB] [xml|csv] [--python]
 *   --python  also times python3's standard library on the same bytes
 *             (xml.etree.ElementTree.iterparse, csv.reader) for comparison.
 * Run one format per process to read each peak RSS on its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "parse/parsers.h"
#include "regwatch/parse.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds (user + system) of this process: steadier than wall time on a busy machine. */
static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

static double peak_rss_mb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0; /* KiB on Linux */
}

static double mb(size_t n)
{
	return (double)n / (1024.0 * 1024.0);
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

static void python_reference(const char *path, int xml)
{
	const char *script = xml ?
		"import sys,time,xml.etree.ElementTree as E\n"
		"t=time.monotonic();n=0\n"
		"for ev,el in E.iterparse(sys.argv[1]):\n"
		"  if el.tag.endswith('sdnEntry'):\n"
		"    n+=1;el.clear()\n"
		"d=time.monotonic()-t\n"
		"print('python3 iterparse: %d entries, %.2f s' % (n, d))\n" :
		"import sys,time,csv\n"
		"t=time.monotonic();n=0\n"
		"with open(sys.argv[1],newline='',encoding='utf-8') as f:\n"
		"  for r in csv.reader(f): n+=1\n"
		"d=time.monotonic()-t\n"
		"print('python3 csv.reader: %d rows, %.2f s' % (n, d))\n";
	char *cmd;
	rw_buf q = RW_BUF_INIT;
	const char *p;

	/* the script in single quotes for sh */
	rw_buf_putc(&q, '\'');
	for (p = script; *p; p++) {
		if (*p == '\'')
			rw_buf_puts(&q, "'\\''");
		else
			rw_buf_putc(&q, *p);
	}
	rw_buf_putc(&q, '\'');
	cmd = rw_asprintf("python3 -c %s '%s'", rw_buf_cstr(&q), path);
	if (cmd && system(cmd) != 0)
		fprintf(stderr, "python3 reference failed\n");
	free(cmd);
	rw_buf_release(&q);
}

static int run(const char *format, size_t target, int python)
{
	rw_ctx ctx;
	rw_source src;
	rw_records recs = {NULL, 0, 0, 0};
	rw_buf doc = RW_BUF_INIT;
	double t0, t1, c0, c1, before;
	int xml = strcmp(format, "xml") == 0, rc;

	char name[32], fmt[8];

	memset(&src, 0, sizeof(src));
	snprintf(name, sizeof(name), "%s", xml ? "bench-sdnlist" : "bench-csl");
	snprintf(fmt, sizeof(fmt), "%s", format);
	src.name = name;
	src.format = fmt;
	rw_ctx_init(&ctx, 0);
	rc = xml ? make_sdnlist(&doc, target) : make_csl(&doc, target);
	if (rc < 0) {
		fprintf(stderr, "cannot generate the document\n");
		return 1;
	}
	before = peak_rss_mb();
	t0 = now_s();
	c0 = cpu_s();
	rc = rw_parse(&ctx, &src, doc.data, doc.len, &recs);
	c1 = cpu_s();
	t1 = now_s();
	if (rc < 0) {
		fprintf(stderr, "%s\n", rw_errmsg(&ctx));
		return 1;
	}
	printf("%s: %.1f MB, %zu records; wall %.2f s = %.1f MB/s; CPU %.2f s = %.1f MB/s; "
	       "peak RSS %.1f MB = %.2f x the document (%.1f MB before parsing)\n",
	       format, mb(doc.len), recs.n, t1 - t0, mb(doc.len) / (t1 - t0), c1 - c0, mb(doc.len) / (c1 - c0),
	       peak_rss_mb(), peak_rss_mb() / mb(doc.len), before);
	fflush(stdout);
	rw_records_release(&recs);
	if (python) {
		char path[] = "/tmp/regwatch-bench-XXXXXX";
		int fd = mkstemp(path);

		if (fd >= 0 && write(fd, doc.data, doc.len) == (ssize_t)doc.len) {
			close(fd);
			python_reference(path, xml);
		} else if (fd >= 0) {
			close(fd);
		}
		unlink(path);
	}
	rw_buf_release(&doc);
	return 0;
}

int main(int argc, char **argv)
{
	long size_mb = 100;
	const char *only = NULL;
	int python = 0, i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--python") == 0)
			python = 1;
		else if (strcmp(argv[i], "xml") == 0 || strcmp(argv[i], "csv") == 0)
			only = argv[i];
		else if (rw_parse_long(argv[i], 1, 1800, &size_mb) < 0) {
			fprintf(stderr, "usage: %s [MB] [xml|csv] [--python]\n", argv[0]);
			return 2;
		}
	}
	rw_parse_global_init();
	if (only == NULL || strcmp(only, "xml") == 0)
		rc |= run("xml", (size_t)size_mb << 20, python);
	if (only == NULL || strcmp(only, "csv") == 0)
		rc |= run("csv", (size_t)size_mb << 20, python);
	rw_parse_global_cleanup();
	return rc;
}
