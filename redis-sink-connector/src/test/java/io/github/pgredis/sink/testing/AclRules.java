package io.github.pgredis.sink.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;

/** The ACL rules of docs/security.md, read from the doc itself so that tests run exactly what it says. */
public final class AclRules {
    private AclRules() {
    }

    /** The arguments of the {@code ACL SETUSER} rule under {@code <!-- marker -->}: the user's name first. */
    public static List<String> documented(String marker) {
        try {
            String doc = Files.readString(Path.of("..", "docs", "security.md"), StandardCharsets.UTF_8);
            int at = doc.indexOf("<!-- " + marker + " -->");
            if (at < 0) {
                throw new IllegalStateException("docs/security.md has no " + marker + " rule");
            }
            int start = doc.indexOf("```\n", at) + 4;
            String rule = doc.substring(start, doc.indexOf("\n```", start)).trim();
            if (!rule.startsWith("ACL SETUSER ")) {
                throw new IllegalStateException("the " + marker + " rule is not an ACL SETUSER: " + rule);
            }
            return new ArrayList<>(Arrays.asList(rule.substring("ACL SETUSER ".length()).split(" ")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the user of a rule under another name, its {@code <password>} placeholder filled in. */
    public static void create(RedisCommands<String, String> commands, List<String> rule, String name,
            String password) {
        List<String> args = new ArrayList<>(rule);
        args.set(0, name);
        args.replaceAll(part -> part.equals("><password>") ? ">" + password : part);
        commands.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("SETUSER").addValues(args));
    }
}
