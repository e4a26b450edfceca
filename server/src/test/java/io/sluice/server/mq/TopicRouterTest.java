package io.sluice.server.mq;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicRouterTest {

    @Test
    void withoutDynamicTopicsEverythingGoesToTheDefaultTopicUnchanged() {
        TopicRouter r = TopicRouter.parse("my.topic", "");
        assertThat(r.topicFor("shop", "user")).isEqualTo("my.topic");
    }

    @Test
    void schemaWildcardGivesOneTopicPerTableNamedByTheMatchedNameWithUnderscores() {
        // canal.mq.dynamicTopic=mytest1.user,mytest2\\..*,.*\\..*  (wiki example)
        TopicRouter r = TopicRouter.parse("example", "mytest1.user,mytest2\\..*,.*\\..*");
        assertThat(r.topicFor("mytest1", "user")).isEqualTo("mytest1_user");
        assertThat(r.topicFor("MyTest2", "Orders")).isEqualTo("mytest2_orders");
        assertThat(r.topicFor("other", "t")).isEqualTo("other_t");
    }

    @Test
    void namedTopicsFirstMatchWinsAndSchemaOnlyPatternsMatchSchemas() {
        TopicRouter r = TopicRouter.parse("example", "orders:shop\\.order.*;audit:log.*;shop");
        assertThat(r.topicFor("shop", "order_items")).isEqualTo("orders");
        // "log.*" has no "\." so it names schemas: tried on the schema alone
        assertThat(r.topicFor("log2024", "events")).isEqualTo("audit");
        // a plain schema name matches the schema lookup; the topic is the matched name
        assertThat(r.topicFor("shop", "user")).isEqualTo("shop");
        assertThat(r.topicFor("crm", "user")).isEqualTo("example");
        // entries without schema or table (e.g. CREATE DATABASE queries) use the default topic
        assertThat(r.topicFor("", "")).isEqualTo("example");
    }

    @Test
    void plainItemsAreLiteralDotsAndRegexItemsAreAnchored() {
        TopicRouter r = TopicRouter.parse("d", "t1:shop.user,t2:shop\\.us");
        assertThat(r.topicFor("shop", "user")).isEqualTo("t1");
        assertThat(r.topicFor("shopxuser", "x")).isEqualTo("d");
        assertThat(r.topicFor("shop", "users")).isEqualTo("d");
    }
}
