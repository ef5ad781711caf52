"""Documents for the update benchmarks: 50 sources in the real formats (RSS 2.0
news feeds, GOV.UK-style Atom, FCC Covered List pages, CSL CSV and OFAC sdnList
extracts), spread over web roots so that each loopback server serves at most two
of them (the fetch module opens at most two connections per host)."""

import json
import os

VENDORS = [("Hangzhou Hikvision Digital Technology Company", "Hikvision"),
           ("Dahua Technology Company", "Dahua"),
           ("Huawei Technologies Company", "Huawei"),
           ("ZTE Corporation", "ZTE"),
           ("Hytera Communications Corporation", "Hytera")]

KINDS = ["rss"] * 20 + ["atom"] * 10 + ["html-table"] * 10 + ["csv"] * 5 + ["xml"] * 5


def rss(i, items=30):
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
           '<title>Headlines %d</title>\n<link>https://www.fcc.gov/news-events/headlines</link>\n'
           '<description>Headlines</description>\n' % i]
    for k in range(items):
        vendor = VENDORS[(i + k) % 5][1] if k % 3 == 0 else "a carrier"
        out.append('<item>\n<title>Commission acts on equipment from %s (%d.%d)</title>\n'
                   '<link>https://www.fcc.gov/document/notice-%d-%d</link>\n'
                   '<description>&lt;p&gt;Order %d.%d concerning %s &amp;amp; the Covered List.&lt;/p&gt;</description>\n'
                   '<pubDate>Fri, %02d Nov 2026 15:%02d:00 -0500</pubDate>\n<guid>fcc-%d-%d</guid>\n</item>\n'
                   % (vendor, i, k, i, k, i, k, vendor, k % 28 + 1, k % 60, i, k))
    out.append('</channel>\n</rss>\n')
    return "".join(out)


def atom(i, entries=30):
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<feed xml:lang="en-US" xmlns="http://www.w3.org/2005/Atom">\n'
           '  <id>tag:www.gov.uk,2005:/search/news-and-communications-%d</id>\n'
           '  <link rel="alternate" type="text/html" href="https://www.gov.uk"/>\n'
           '  <title>News and communications</title>\n  <updated>2026-11-24T10:00:00+00:00</updated>\n'
           '  <author><name>HM Government</name></author>\n' % i]
    for k in range(entries):
        vendor = VENDORS[(i + k) % 5][1]
        out.append('  <entry>\n    <id>tag:www.gov.uk,2005:/government/news/item-%d-%d</id>\n'
                   '    <updated>2026-%02d-%02dT10:00:00+01:00</updated>\n'
                   '    <link rel="alternate" type="text/html" href="https://www.gov.uk/government/news/item-%d-%d"/>\n'
                   '    <title>Security update %d.%d on %s equipment</title>\n'
                   '    <summary type="html">Departments instructed to review %s equipment &amp;amp; report.</summary>\n'
                   '  </entry>\n' % (i, k, k % 12 + 1, k % 28 + 1, i, k, i, k, vendor, vendor))
    out.append('</feed>\n')
    return "".join(out)


def covered_list(i):
    th = '<th><p class="text-align-center"><strong>%s</strong></p></th>'
    rows = []
    for name, _ in VENDORS:
        rows.append('<tr><td>Video surveillance and telecommunications equipment produced by <strong>%s</strong>, '
                    'to the extent it is used for the purpose of public safety.</td>'
                    '<td><p class="rtecenter">March 12, 2021</p></td></tr>' % name)
    for k in range(i % 4):
        rows.append('<tr><td>Equipment produced by <strong>Example Supplier %d-%d</strong>.</td>'
                    '<td><p class="rtecenter">March 25, 2022</p></td></tr>' % (i, k))
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"/><title>Covered List %d</title></head><body>'
            '<h3>Covered List</h3><table border="1"><thead><tr>' % i
            + th % "Covered Equipment or Services*" + th % "Date of Inclusion on Covered List"
            + '</tr></thead><tbody>' + "".join(rows) + '</tbody></table></body></html>\n')


CSL_HEADER = ("_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,"
              "end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,"
              "gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,"
              "dates_of_birth,nationalities,places_of_birth,source_information_url,ids\r\n")


def csl(i, rows=300):
    out = [CSL_HEADER]
    names = [v[0] for v in VENDORS] + ["Generated Entity %d-%d Co., Ltd." % (i, k) for k in range(rows - 5)]
    for k, name in enumerate(names):
        out.append('"%d-%d","Entity List (EL) - Bureau of Industry and Security","","","","%s","",'
                   '"%d Example Road, Shenzhen, CN","84 FR 22961","2019-05-21","","",'
                   '"For all items subject to the EAR.","Presumption of denial","","","","","","","",'
                   '"https://www.bis.doc.gov/el","","","","","","https://www.bis.doc.gov/el",""\r\n'
                   % (i, k, name, k))
    return "".join(out)


def sdnlist(i, entries=50):
    out = ['<?xml version="1.0" standalone="yes"?>\n<sdnList xmlns="https://sanctionslistservice.ofac.treas.gov/'
           'api/PublicationPreview/exports/XML">\n  <publshInformation>\n    <Publish_Date>11/28/2026'
           '</Publish_Date>\n    <Record_Count>%d</Record_Count>\n  </publshInformation>\n' % entries]
    for k in range(entries):
        name = "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD." if k == 0 else "GENERATED ENTITY %d-%d CO., LTD." % (i, k)
        out.append('  <sdnEntry>\n    <uid>%d</uid>\n    <lastName>%s</lastName>\n    <sdnType>Entity</sdnType>\n'
                   '    <programList>\n      <program>CMIC-EO13959</program>\n    </programList>\n'
                   '    <idList>\n      <id>\n        <uid>%d</uid>\n        <idType>Listing Date (CMIC)</idType>\n'
                   '        <idNumber>03 Jun 2021</idNumber>\n      </id>\n    </idList>\n  </sdnEntry>\n'
                   % (i * 1000 + k, name, i * 1000 + k + 500))
    out.append('</sdnList>\n')
    return "".join(out)


def document(kind, j, version=0):
    """Source j's document; each version differs in its bytes (a comment or an address), not in its entries."""
    body = {"rss": rss, "atom": atom, "html-table": covered_list, "csv": csl, "xml": sdnlist}[kind](j)
    if kind == "csv":
        return body.replace("Example Road", "Example Road (rev. %d)" % version, 1)
    if kind == "html-table":
        return body.replace("<body>", "<body><!-- revision %d -->" % version, 1)
    return body.replace("?>\n", "?>\n<!-- revision %d -->\n" % version, 1)


def make_sources(roots, base_urls, n=50, delay=None):
    """Writes n documents, source j into roots[j % len(roots)], and returns their config entries.
    base_urls[k] is the URL prefix of roots[k]. delay: seconds each answer waits (a .rules file)."""
    sources = []
    for j in range(n):
        kind = KINDS[j % len(KINDS)]
        k = j % len(roots)
        name = "s%02d-%s" % (j, kind)
        with open(os.path.join(roots[k], name), "w", encoding="utf-8") as f:
            f.write(document(kind, j))
        set_delay(roots[k], name, delay)
        src = {"name": name, "url": base_urls[k] + name, "format": kind}
        if kind == "html-table":
            src.update({"regime": "us.fcc-covered-list", "tableHeader": "Date of Inclusion on Covered List"})
        elif kind == "csv":
            src["listRegime"] = "Entity List (EL)=us.entity-list"
        elif kind == "xml":
            src["listRegime"] = "CMIC-EO13959=us.ns-cmic"
        sources.append(src)
    return sources


def revise(roots, sources, version):
    """Rewrites every document as its next revision (new bytes, same entries)."""
    for j, s in enumerate(sources):
        with open(os.path.join(roots[j % len(roots)], s["name"]), "w", encoding="utf-8") as f:
            f.write(document(s["format"], j, version))


def set_delay(root, name, delay):
    path = os.path.join(root, name + ".rules")
    if delay:
        with open(path, "w") as f:
            json.dump({"delay": delay}, f)
    elif os.path.exists(path):
        os.unlink(path)


def set_all_delays(roots, sources, delay):
    for j, s in enumerate(sources):
        set_delay(roots[j % len(roots)], s["name"], delay)
