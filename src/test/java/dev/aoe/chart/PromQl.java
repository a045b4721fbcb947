package dev.aoe.chart;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A recursive-descent checker for the PromQL the dashboard uses (no Prometheus here, and no Java
 * PromQL parser on the mirror): vector selectors with label matchers, range vectors, subquery-free
 * function calls with their argument types, aggregations with by/without, binary operators with
 * their precedence, bool and vector matching, numbers and strings. It checks types as Prometheus
 * does (rate wants a range vector, histogram_quantile a scalar then an instant vector, arithmetic
 * no range vectors) and collects the metric names selected. Anything outside the subset is an error.
 */
final class PromQl {
    enum Type { SCALAR, STRING, VECTOR, MATRIX }

    /** Argument types of the functions the subset knows; the result is an instant vector. */
    private static final Map<String, List<Type>> FUNCTIONS = Map.of(
            "rate", List.of(Type.MATRIX), "irate", List.of(Type.MATRIX), "increase", List.of(Type.MATRIX),
            "delta", List.of(Type.MATRIX), "deriv", List.of(Type.MATRIX),
            "histogram_quantile", List.of(Type.SCALAR, Type.VECTOR),
            "clamp_min", List.of(Type.VECTOR, Type.SCALAR), "abs", List.of(Type.VECTOR));
    private static final Set<String> AGGREGATIONS = Set.of("sum", "avg", "min", "max", "count", "group", "stddev");
    private static final Set<String> PARAMETERISED = Set.of("topk", "bottomk", "quantile");
    /** Binary operators by precedence, lowest first; ^ alone is right-associative. */
    private static final List<Set<String>> PRECEDENCE = List.of(Set.of("or"), Set.of("and", "unless"),
            Set.of("==", "!=", "<=", "<", ">=", ">"), Set.of("+", "-"), Set.of("*", "/", "%", "atan2"), Set.of("^"));
    private static final Set<String> SET_OPERATORS = Set.of("or", "and", "unless");
    private static final Set<String> COMPARISONS = Set.of("==", "!=", "<=", "<", ">=", ">");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern NUMBER = Pattern.compile("[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final Pattern DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+");

    /** What a query is: its result type and the metric names it selects. */
    record Query(Type type, Set<String> metricNames) {
    }

    private final List<String> tokens;
    private final String source;
    private final Set<String> names = new TreeSet<>();
    private int next;

    private PromQl(String source) {
        this.source = source;
        this.tokens = tokenise(source);
    }

    /** Parses {@code query}, throwing IllegalArgumentException with the position on any error. */
    static Query parse(String query) {
        PromQl p = new PromQl(query);
        Type type = p.expression(0);
        if (p.next < p.tokens.size()) {
            throw p.error("unexpected " + p.peek());
        }
        return new Query(type, p.names);
    }

    // --- expressions ---

    private Type expression(int level) {
        if (level == PRECEDENCE.size()) {
            return unary();
        }
        Type left = expression(level + 1);
        while (PRECEDENCE.get(level).contains(peek())) {
            String op = take();
            boolean bool = COMPARISONS.contains(op) && accept("bool");
            vectorMatching();
            // ^ binds right to left: its right side is parsed at its own level again.
            Type right = expression(op.equals("^") ? level : level + 1);
            left = binary(op, bool, left, right);
        }
        return left;
    }

    private Type binary(String op, boolean bool, Type left, Type right) {
        if (left == Type.MATRIX || right == Type.MATRIX || left == Type.STRING || right == Type.STRING) {
            throw error("operator " + op + " needs scalars or instant vectors, not " + left + " and " + right);
        }
        if (SET_OPERATORS.contains(op) && (left != Type.VECTOR || right != Type.VECTOR)) {
            throw error("operator " + op + " needs two instant vectors");
        }
        if (COMPARISONS.contains(op) && left == Type.SCALAR && right == Type.SCALAR && !bool) {
            throw error("comparison of two scalars needs bool");
        }
        return left == Type.VECTOR || right == Type.VECTOR ? Type.VECTOR : Type.SCALAR;
    }

    /** on/ignoring (labels), then group_left/group_right with optional (labels). */
    private void vectorMatching() {
        if (accept("on") || accept("ignoring")) {
            labelList();
            if (accept("group_left") || accept("group_right")) {
                if (peek().equals("(")) {
                    labelList();
                }
            }
        }
    }

    private Type unary() {
        if (peek().equals("-") || peek().equals("+")) {
            take();
            Type t = unary();
            if (t != Type.SCALAR && t != Type.VECTOR) {
                throw error("unary sign on " + t);
            }
            return t;
        }
        boolean selector = selectorAhead();
        return postfix(primary(), selector);
    }

    private Type postfix(Type t, boolean selector) {
        if (peek().equals("[")) {
            if (!selector) {
                throw error("a range needs a vector selector before it");
            }
            take();
            expect(DURATION, "duration");
            expect("]");
            t = Type.MATRIX;
        }
        if (accept("offset")) {
            expect(DURATION, "duration");
        }
        return t;
    }

    /** Whether a vector selector starts here: only a selector may take a range. */
    private boolean selectorAhead() {
        String t = peek();
        boolean call = FUNCTIONS.containsKey(t) && tokens.size() > next + 1 && tokens.get(next + 1).equals("(");
        return t.equals("{") || (IDENTIFIER.matcher(t).matches() && !call
                && !AGGREGATIONS.contains(t) && !PARAMETERISED.contains(t));
    }

    private Type primary() {
        String t = peek();
        if (t.equals("(")) {
            take();
            Type inner = expression(0);
            expect(")");
            return inner;
        }
        if (NUMBER.matcher(t).matches()) {
            take();
            return Type.SCALAR;
        }
        if (t.startsWith("\"")) {
            take();
            return Type.STRING;
        }
        if (AGGREGATIONS.contains(t) || PARAMETERISED.contains(t)) {
            return aggregation(take());
        }
        if (selectorAhead()) {
            selector();
            return Type.VECTOR;
        }
        if (FUNCTIONS.containsKey(t)) {
            return call(take());
        }
        throw error("unexpected " + (t.isEmpty() ? "end of query" : t));
    }

    private Type aggregation(String op) {
        boolean grouped = grouping();
        expect("(");
        if (PARAMETERISED.contains(op)) {
            argument(Type.SCALAR, op);
            expect(",");
        }
        argument(Type.VECTOR, op);
        expect(")");
        if (!grouped) {
            grouping();
        }
        return Type.VECTOR;
    }

    private boolean grouping() {
        if (accept("by") || accept("without")) {
            labelList();
            return true;
        }
        return false;
    }

    private Type call(String function) {
        expect("(");
        List<Type> wanted = FUNCTIONS.get(function);
        for (int i = 0; i < wanted.size(); i++) {
            if (i > 0) {
                expect(",");
            }
            argument(wanted.get(i), function);
        }
        expect(")");
        return Type.VECTOR;
    }

    private void argument(Type wanted, String of) {
        Type got = expression(0);
        if (got != wanted) {
            throw error(of + " wants " + wanted + ", got " + got);
        }
    }

    private void labelList() {
        expect("(");
        if (!peek().equals(")")) {
            do {
                expect(LABEL, "label name");
            } while (accept(","));
        }
        expect(")");
    }

    /** A metric name with optional {matchers}, or {matchers} with a __name__ or another matcher. */
    private void selector() {
        boolean named = !peek().equals("{");
        if (named) {
            names.add(take());
        }
        if (accept("{")) {
            if (!named && peek().equals("}")) {
                throw error("a selector needs a metric name or a label matcher");
            }
            while (!peek().equals("}")) {
                matcher();
                if (!accept(",")) {
                    break;
                }
            }
            expect("}");
        }
    }

    private void matcher() {
        String label = expect(LABEL, "label name");
        String op = take();
        if (!Set.of("=", "!=", "=~", "!~").contains(op)) {
            throw error("label matcher operator expected, got " + op);
        }
        String value = take();
        if (!value.startsWith("\"")) {
            throw error("label value must be a string, got " + value);
        }
        String text = value.substring(1, value.length() - 1);
        if (op.endsWith("~")) {
            try {
                Pattern.compile(text);
            } catch (PatternSyntaxException e) {
                throw error("bad regex " + text + ": " + e.getDescription());
            }
        }
        if (label.equals("__name__") && op.equals("=")) {
            names.add(text);
        }
    }

    // --- tokens ---

    private String peek() {
        return next < tokens.size() ? tokens.get(next) : "";
    }

    private String take() {
        if (next >= tokens.size()) {
            throw error("unexpected end of query");
        }
        return tokens.get(next++);
    }

    private boolean accept(String token) {
        if (peek().equals(token)) {
            next++;
            return true;
        }
        return false;
    }

    private void expect(String token) {
        if (!accept(token)) {
            throw error("expected " + token + ", got " + (peek().isEmpty() ? "end of query" : peek()));
        }
    }

    private String expect(Pattern pattern, String what) {
        String t = peek();
        if (!pattern.matcher(t).matches()) {
            throw error("expected " + what + ", got " + (t.isEmpty() ? "end of query" : t));
        }
        return take();
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException(message + " at token " + next + " in: " + source);
    }

    /** Strings come out as one token in double quotes, unescaped inside; everything else as written. */
    private static List<String> tokenise(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"' || c == '\'') {
                StringBuilder text = new StringBuilder();
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c) {
                    if (s.charAt(j) == '\\' && j + 1 < s.length()) {
                        j++;
                    }
                    text.append(s.charAt(j++));
                }
                if (j >= s.length()) {
                    throw new IllegalArgumentException("unterminated string in: " + s);
                }
                out.add('"' + text.toString() + '"');
                i = j + 1;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
                int j = i;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '.'
                        || ((s.charAt(j) == '+' || s.charAt(j) == '-') && (s.charAt(j - 1) == 'e' || s.charAt(j - 1) == 'E')
                        && !DURATION.matcher(s.substring(i, j)).matches()))) {
                    j++;
                }
                String word = s.substring(i, j);
                if (!NUMBER.matcher(word).matches() && !DURATION.matcher(word).matches()) {
                    throw new IllegalArgumentException("bad number or duration " + word + " in: " + s);
                }
                out.add(word);
                i = j;
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int j = i;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_' || s.charAt(j) == ':')) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            } else {
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                if (Set.of("==", "!=", "=~", "!~", "<=", ">=").contains(two)) {
                    out.add(two);
                    i += 2;
                } else if ("(){}[],=<>+-*/%^".indexOf(c) >= 0) {
                    out.add(String.valueOf(c));
                    i++;
                } else {
                    throw new IllegalArgumentException("unexpected character '" + c + "' in: " + s);
                }
            }
        }
        return out;
    }
}
