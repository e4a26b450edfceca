package io.sluice.client.search;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.client.sync.RetryableWriteException;
import io.sluice.client.sync.SyncStoppedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;
import org.opensearch.client.ResponseListener;
import org.opensearch.client.RestClient;

/**
 * Applies a batch of document changes over the REST API that OpenSearch and Elasticsearch share: writes and
 * deletes as {@code _bulk} requests (NDJSON, at most {@code search.bulk.max.bytes} each), a TRUNCATE as
 * {@code _refresh} + {@code _delete_by_query} match_all on the table's index, in the batch's order. Returns only
 * when every item of every bulk response succeeded. An item the cluster could take later (429, 5xx) or a node
 * that does not answer: {@link RetryableWriteException}, the whole batch is applied again (every change is
 * idempotent; 409 too: a concurrent write to the same document). An item it will never take (another 4xx: a
 * value the mapping refuses, a bad index name):
 * {@link SyncStoppedException} naming the index, the document id and the reason.
 */
final class BulkWriter implements AutoCloseable {

    private static final ContentType NDJSON = ContentType.create("application/x-ndjson", StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private final SearchSyncSettings settings;
    private final RestClient client;

    BulkWriter(SearchSyncSettings settings) {
        this.settings = settings;
        HttpHost[] hosts = settings.urls().stream()
                .map(u -> new HttpHost(u.getHost(), SearchSyncSettings.port(u), u.getScheme()))
                .toArray(HttpHost[]::new);
        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
        String user = settings.user();
        String password = settings.password();
        URI first = settings.urls().get(0);
        if (user.isEmpty() && first.getUserInfo() != null) {
            int colon = first.getUserInfo().indexOf(':');
            user = colon < 0 ? first.getUserInfo() : first.getUserInfo().substring(0, colon);
            password = colon < 0 ? "" : first.getUserInfo().substring(colon + 1);
        }
        if (!user.isEmpty()) {
            credentials.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials(user, password));
        }
        boolean auth = !user.isEmpty();
        int timeout = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
        this.client = RestClient.builder(hosts)
                .setRequestConfigCallback(c -> c.setConnectTimeout(Math.min(timeout, 10_000)).setSocketTimeout(timeout))
                .setHttpClientConfigCallback(c -> auth ? c.setDefaultCredentialsProvider(credentials) : c)
                .build();
    }

    /** Applies every change, in order; returns only when the cluster confirmed all of them. */
    void apply(List<DocumentChange> changes) throws RetryableWriteException {
        List<DocumentChange> run = new ArrayList<>();
        for (DocumentChange change : changes) {
            if (change instanceof DocumentChange.Truncate t) {
                bulk(run);
                run.clear();
                truncate(t.table());
            } else {
                run.add(change);
            }
        }
        bulk(run);
    }

    private void bulk(List<DocumentChange> changes) throws RetryableWriteException {
        int from = 0;
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        for (int i = 0; i < changes.size(); i++) {
            int before = body.size();
            write(body, changes.get(i));
            if (body.size() > settings.bulkMaxBytes() && i > from) {
                // this change goes to the next request: send the ones before it
                byte[] all = body.toByteArray();
                send(changes.subList(from, i), Arrays.copyOf(all, before));
                body.reset();
                body.write(all, before, all.length - before);
                from = i;
            }
        }
        if (from < changes.size()) {
            send(changes.subList(from, changes.size()), body.toByteArray());
        }
    }

    /** The change's NDJSON lines: the action, and the document for a write. */
    private static void write(ByteArrayOutputStream out, DocumentChange change) {
        try {
            if (change instanceof DocumentChange.Delete d) {
                try (JsonGenerator g = generator(out)) {
                    action(g, "delete", d.table().index(), d.id(), false);
                }
                out.write('\n');
            } else if (change instanceof DocumentChange.Write w) {
                try (JsonGenerator g = generator(out)) {
                    action(g, w.partial() ? "update" : "index", w.table().index(), w.id(), w.partial());
                }
                out.write('\n');
                try (JsonGenerator g = generator(out)) {
                    if (w.partial()) {
                        g.writeStartObject();
                        g.writeFieldName("doc");
                        source(g, w.source());
                        g.writeBooleanField("doc_as_upsert", true);
                        g.writeEndObject();
                    } else {
                        source(g, w.source());
                    }
                }
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonGenerator generator(ByteArrayOutputStream out) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out);
        g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        return g;
    }

    private static void action(JsonGenerator g, String op, String index, String id, boolean update)
            throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart(op);
        g.writeStringField("_index", index);
        g.writeStringField("_id", id);
        if (update) {
            // an update reads the document and writes it back; a concurrent write in between is retried in place
            g.writeNumberField("retry_on_conflict", 3);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void source(JsonGenerator g, Map<String, Object> source) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Object> e : source.entrySet()) {
            Object v = e.getValue();
            if (v == null) {
                g.writeNullField(e.getKey());
            } else if (v instanceof DocumentChange.JsonNumber n) {
                g.writeFieldName(e.getKey());
                g.writeNumber(n.text());
            } else {
                g.writeStringField(e.getKey(), v.toString());
            }
        }
        g.writeEndObject();
    }

    private void send(List<DocumentChange> changes, byte[] body) throws RetryableWriteException {
        if (changes.isEmpty()) {
            return;
        }
        Request request = new Request("POST", "/_bulk");
        // only what is needed to find a failed item; the response of a big bulk stays small
        request.addParameter("filter_path", "errors,items.*.status,items.*.error");
        request.setEntity(new ByteArrayEntity(body, NDJSON));
        JsonNode response = perform(request, changes.get(0));
        if (!response.path("errors").asBoolean(false)) {
            return;
        }
        JsonNode items = response.path("items");
        RetryableWriteException retry = null;
        for (int i = 0; i < items.size() && i < changes.size(); i++) {
            JsonNode item = items.get(i).elements().next();
            JsonNode error = item.get("error");
            int status = item.path("status").asInt();
            if (error == null || (status == 404 && changes.get(i) instanceof DocumentChange.Delete)) {
                continue; // done, or a delete of a document that is not there
            }
            String what = describe(changes.get(i)) + ": " + status + " " + error.path("type").asText() + ": "
                    + error.path("reason").asText();
            // 409: another writer changed the document between an update's read and write (a previous run's bulk
            // request still executing after a restart or a handover); the retry reads it again
            if (status == 429 || status == 409 || status >= 500) {
                if (retry == null) {
                    retry = new RetryableWriteException(what, null);
                }
            } else {
                throw new SyncStoppedException("the cluster refused " + what + "; the batch holding it was not acked:"
                        + " fix the mapping or the data, then restart");
            }
        }
        if (retry != null) {
            throw retry;
        }
    }

    /** TRUNCATE: every document of the index goes; a missing index has none to lose. */
    private void truncate(SearchIndex table) throws RetryableWriteException {
        String index = "/" + URLEncoder.encode(table.index(), StandardCharsets.UTF_8);
        DocumentChange.Truncate change = new DocumentChange.Truncate(table);
        // delete-by-query searches: what was indexed before it must be visible to that search
        Request refresh = new Request("POST", index + "/_refresh");
        refresh.addParameter("ignore_unavailable", "true");
        perform(refresh, change);
        Request delete = new Request("POST", index + "/_delete_by_query");
        delete.addParameter("refresh", "true");
        delete.addParameter("ignore_unavailable", "true");
        delete.setJsonEntity("{\"query\":{\"match_all\":{}}}");
        JsonNode response = perform(delete, change);
        JsonNode failures = response.path("failures");
        if (failures.size() > 0 || response.path("timed_out").asBoolean(false)) {
            throw new RetryableWriteException(describe(change) + ": delete-by-query "
                    + (failures.size() > 0 ? "failed: " + failures.get(0) : "timed out"), null);
        }
    }

    private JsonNode perform(Request request, DocumentChange first) throws RetryableWriteException {
        try {
            Response response = execute(request);
            return JSON.readTree(response.getEntity().getContent());
        } catch (ResponseException e) {
            int status = e.getResponse().getStatusLine().getStatusCode();
            String reason = reason(e);
            if (status == 404 && first instanceof DocumentChange.Truncate) {
                return JSON.createObjectNode(); // no such index: nothing to delete
            }
            if (status == 429 || status == 408 || status == 409 || status >= 500) {
                throw new RetryableWriteException(request.getEndpoint() + " answered " + status + " " + reason
                        + " (at " + describe(first) + ")", e);
            }
            throw new SyncStoppedException(request.getEndpoint() + " answered " + status + " " + reason + " (at "
                    + describe(first) + "); the batch was not acked");
        } catch (IOException e) {
            throw new RetryableWriteException(request.getEndpoint() + ": " + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + " (at " + describe(first) + ")", e);
        }
    }

    /**
     * Sends the request and waits for its answer even when the thread is interrupted (the sync being closed): a
     * request the cluster goes on executing after its sender gave up could land between the writes of the next run
     * and undo one of them. The wait is bounded by {@code search.timeout.ms}. A closed sync sends nothing new.
     */
    private Response execute(Request request) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("search sync closed before " + request.getEndpoint());
        }
        CompletableFuture<Response> answer = new CompletableFuture<>();
        client.performRequestAsync(request, new ResponseListener() {
            @Override
            public void onSuccess(Response response) {
                answer.complete(response);
            }

            @Override
            public void onFailure(Exception e) {
                answer.completeExceptionally(e);
            }
        });
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return answer.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IOException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The reason of an error response, as the cluster wrote it. */
    private static String reason(ResponseException e) {
        try {
            JsonNode body = JSON.readTree(e.getResponse().getEntity().getContent());
            JsonNode error = body.path("error");
            return error.isTextual() ? error.asText() : error.path("type").asText() + ": " + error.path("reason").asText();
        } catch (IOException | RuntimeException ignored) {
            return e.getResponse().getStatusLine().getReasonPhrase();
        }
    }

    static String describe(DocumentChange change) {
        if (change instanceof DocumentChange.Write w) {
            return "index " + w.table().index() + " document " + w.id() + " (table " + w.table().fullName() + " key "
                    + w.key() + ")";
        }
        if (change instanceof DocumentChange.Delete d) {
            return "index " + d.table().index() + " document " + d.id() + " (table " + d.table().fullName() + " key "
                    + d.key() + ", delete)";
        }
        return "index " + change.table().index() + " (table " + change.table().fullName() + " truncate)";
    }

    /** The cluster's name and version, for the start line; null when it does not answer. */
    String version() {
        try {
            JsonNode info = JSON.readTree(execute(new Request("GET", "/")).getEntity().getContent());
            return info.path("version").path("distribution").asText("elasticsearch") + " "
                    + info.path("version").path("number").asText();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            // closing the HTTP client's pool: nothing the caller can do
        }
    }
}
