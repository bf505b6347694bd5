package dev.isobench.report;

/** A small HTML writer: escaped text, table rows, and the page frame with its inline style and script. */
final class Html {
    private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}"
            + "table{border-collapse:collapse;margin:.5em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}"
            + "th{background:#f0f0f0;cursor:pointer}.summary td:nth-child(3){font-weight:bold}.sub{color:#666}"
            + ".warn li{color:#8a4b00}figure{margin:1em 0}img{max-width:100%;border:1px solid #eee}";
    /** Sorts a table by a clicked header; records script errors and image loads on the body, for tests. */
    private static final String SCRIPT = "window.onerror=function(m){document.body.dataset.errors=(document.body.dataset.errors||'')+m+';'};"
            + "document.querySelectorAll('table.sortable th').forEach(function(th,i){th.onclick=function(){var tb=th.closest('table').tBodies[0];"
            + "var rows=Array.from(tb.rows);var asc=th.dataset.asc!=='1';th.dataset.asc=asc?'1':'0';rows.sort(function(a,b){"
            + "var x=a.cells[i].textContent,y=b.cells[i].textContent,nx=parseFloat(x),ny=parseFloat(y);"
            + "var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return asc?c:-c});rows.forEach(function(r){tb.appendChild(r)})}});"
            + "window.addEventListener('load',function(){var imgs=Array.from(document.images);"
            + "document.body.dataset.images=imgs.filter(function(i){return i.complete&&i.naturalWidth>0}).length+'/'+imgs.length});";

    private final StringBuilder b = new StringBuilder();

    void open(String title) {
        b.append("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>").append(escape(title)).append("</title><style>")
                .append(STYLE).append("</style></head><body>\n<h1>").append(escape(title)).append("</h1>\n");
    }

    Html raw(String html) {
        b.append(html);
        return this;
    }

    Html text(String s) {
        b.append(escape(s));
        return this;
    }

    void row(String... cells) {
        b.append("<tr>");
        for (String c : cells) b.append("<td>").append(escape(c)).append("</td>");
        b.append("</tr>\n");
    }

    void close() {
        b.append("<script>").append(SCRIPT).append("</script>\n</body></html>\n");
    }

    static String escape(String s) {
        StringBuilder o = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> o.append("&lt;");
                case '>' -> o.append("&gt;");
                case '&' -> o.append("&amp;");
                case '"' -> o.append("&quot;");
                default -> o.append(c);
            }
        }
        return o.toString();
    }

    @Override
    public String toString() {
        return b.toString();
    }
}
