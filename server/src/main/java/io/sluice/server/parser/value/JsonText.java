package io.sluice.server.parser.value;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON text the way MySQL prints a JSON value: {@code ", "} between elements, {@code ": "} after keys, only
 * quotes, backslashes and control characters escaped, decimals with their scale, doubles with a fraction or an
 * exponent.
 */
public final class JsonText {

    private JsonText() {
    }

    public static String write(JsonNode node) {
        StringBuilder s = new StringBuilder();
        write(node, s);
        return s.toString();
    }

    static void write(JsonNode node, StringBuilder s) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                s.append('{');
                Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
                boolean first = true;
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    if (!first) {
                        s.append(", ");
                    }
                    first = false;
                    string(f.getKey(), s);
                    s.append(": ");
                    write(f.getValue(), s);
                }
                s.append('}');
            }
            case ARRAY -> {
                s.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        s.append(", ");
                    }
                    write(node.get(i), s);
                }
                s.append(']');
            }
            case STRING -> string(node.textValue(), s);
            case BOOLEAN -> s.append(node.booleanValue());
            case NULL, MISSING -> s.append("null");
            case NUMBER -> number(node, s);
            default -> string(node.asText(), s);
        }
    }

    private static void number(JsonNode node, StringBuilder s) {
        if (node.isBigDecimal()) {
            s.append(node.decimalValue().toPlainString());
        } else if (node.isDouble() || node.isFloat()) {
            s.append(doubleText(node.doubleValue()));
        } else {
            s.append(node.numberValue().toString());
        }
    }

    /** A double as MySQL writes it in JSON: integral values keep {@code .0}, large ones use {@code e}. */
    static String doubleText(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "null";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return (long) d + ".0";
        }
        String java = Double.toString(d);
        int e = java.indexOf('E');
        if (e < 0) {
            return java;
        }
        String mantissa = java.substring(0, e);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        return mantissa + "e" + java.substring(e + 1);
    }

    static void string(String v, StringBuilder s) {
        s.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                case '\b' -> s.append("\\b");
                case '\f' -> s.append("\\f");
                default -> {
                    if (c < 0x20) {
                        s.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        s.append('"');
    }
}
