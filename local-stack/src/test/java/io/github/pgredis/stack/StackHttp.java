package io.github.pgredis.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** What the stack tests read over HTTP: Connect's REST API and the worker's Prometheus metrics page. */
final class StackHttp {
    private StackHttp() {
    }

    /** The body of a GET that answered 200; any other answer is an IOException naming it. */
    static String get(String url) throws IOException {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The samples of a Prometheus text page, by name and labels as written. */
    static Map<String, Double> prometheusSamples(String url) throws IOException {
        Map<String, Double> samples = new HashMap<>();
        for (String line : get(url).split("\n")) {
            int space = line.lastIndexOf(' ');
            if (!line.startsWith("#") && space > 0) {
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }
}
