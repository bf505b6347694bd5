package dev.isobench.bench.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nginx serving a static file to wrk ({@code --latency}): one worker, no access log, sendfile on, as a web server
 * is run; the file (1 KiB or 100 KiB) comes from the seed, the same bytes on every target. The configuration is
 * written by the run itself from a template, with its address and directories.
 */
public final class Nginx implements Workload {
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern ERRORS = Pattern.compile("(Socket errors:.*|Non-2xx or 3xx responses:.*)");
    private static final String CONFIG = String.join("\n",
            "daemon off;", "master_process off;", "worker_processes 1;", "pid @DATA@/nginx.pid;", "error_log stderr warn;",
            "events { worker_connections 4096; }",
            "http {", "  access_log off;", "  sendfile on;", "  tcp_nopush on;", "  keepalive_requests 1000000;",
            "  client_body_temp_path @DATA@/body;", "  proxy_temp_path @DATA@/proxy;", "  fastcgi_temp_path @DATA@/fastcgi;",
            "  uwsgi_temp_path @DATA@/uwsgi;", "  scgi_temp_path @DATA@/scgi;",
            "  server { listen @LISTEN@; root @SEED@/www; }", "}", "");
    /** One client for every readiness check: each HttpClient holds a selector thread of its own. */
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final String file;

    /** @param size the served file: 1k or 100k */
    public Nginx(String size) {
        if (!size.equals("1k") && !size.equals("100k")) throw new IllegalArgumentException("nginx serves 1k or 100k files, got " + size);
        this.file = size;
    }

    @Override
    public String name() {
        return "nginx-" + file;
    }

    @Override
    public String seedName() {
        return "nginx";
    }

    @Override
    public List<String> benchmarks() {
        return List.of(name());
    }

    @Override
    public String unit() {
        return "req/s";
    }

    @Override
    public boolean server() {
        return true;
    }

    @Override
    public Set<Knob> knobs() {
        return Set.of(Knob.NET);
    }

    @Override
    public Map<String, String> programs() {
        return Map.of("nginx", "nginx-light", "wrk", "wrk");
    }

    /** The two files (random bytes from a fixed seed) and the configuration's template. */
    @Override
    public void prepare(Path seed, Path scratch) {
        try {
            Path www = Files.createDirectories(seed.resolve("www"));
            Random random = new Random(20261206L);
            for (String size : List.of("1k", "100k")) {
                byte[] bytes = new byte[size.equals("1k") ? 1024 : 100 * 1024];
                random.nextBytes(bytes);
                Files.write(www.resolve(size + ".bin"), bytes);
            }
            Files.writeString(seed.resolve("nginx.conf.in"), CONFIG);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write nginx's files into " + seed + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> command(Inside in, Load load) {
        String conf = in.data() + "/nginx.conf";
        String sed = "sed -e 's#@LISTEN@#" + in.listen() + ":" + in.port() + "#' -e 's#@DATA@#" + in.data() + "#' -e 's#@SEED@#" + in.seed() + "#' "
                + in.seed() + "/nginx.conf.in > " + conf;
        return List.of("/bin/sh", "-c", sed + " && exec " + Shell.join(List.of(Programs.require("nginx", "nginx-light"), "-c", conf, "-e", "stderr")));
    }

    @Override
    public List<String> client(String address, int port, Load load) {
        return List.of(Programs.require("wrk", "wrk"), "-t1", "-c" + load.clients(), "-d" + load.wholeSeconds() + "s", "--latency",
                "http://" + address + ":" + port + "/" + file + ".bin");
    }

    @Override
    public boolean ready(String address, int port, Path scratch) {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + "/" + file + ".bin"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** wrk's "Requests/sec:" and its latency distribution's 50% and 99% lines; a run with socket errors or failed requests fails. */
    @Override
    public Map<String, Measure> parse(String output) {
        Matcher errors = ERRORS.matcher(output);
        if (errors.find()) throw new IllegalStateException("wrk: " + errors.group(1).trim());
        Matcher m = RATE.matcher(output);
        if (!m.find()) throw new IllegalStateException("wrk printed no rate: " + output.strip());
        return Map.of(name(), new Measure(Double.parseDouble(m.group(1)), percentile(output, "50%"), percentile(output, "99%")));
    }

    private static double percentile(String output, String which) {
        Matcher m = Pattern.compile("^\\s*" + which + "\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE).matcher(output);
        if (!m.find()) return Double.NaN;
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v;
            case "ms" -> v * 1e3;
            default -> v * 1e6;
        };
    }
}
