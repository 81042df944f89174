package dev.idleclaw.clients.openclaw;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The checkout's IdleClaw skill folder and launcher, and the release archive's layout of them
 * ({@code idleclaw/src/assembly/release.xml}: {@code idleclaw}, {@code lib-java.sh} and {@code idleclaw.jar} side by
 * side), so that tests run what a user unpacks.
 *
 * @param root the checkout
 * @param jar  the shaded jar ({@code idleclaw/target/idleclaw.jar}, written by {@code package})
 */
record SkillFiles(Path root, Path jar) {
    /** The checkout and jar named by the build ({@code idleclaw.root}, {@code idleclaw.jar}; see this module's pom). */
    static SkillFiles fromCheckout() {
        Path root = Path.of(System.getProperty("idleclaw.root", "../..")).toAbsolutePath().normalize();
        Path jar = Path.of(System.getProperty("idleclaw.jar", root.resolve("idleclaw/target/idleclaw.jar").toString()));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("missing " + jar + ": run `./mvnw verify` (it packages the idleclaw module first)");
        }
        return new SkillFiles(root, jar);
    }

    /** The skill folder, {@code integrations/openclaw/skill/idleclaw}. */
    Path dir() {
        return root.resolve("integrations/openclaw/skill/idleclaw");
    }

    /** Lays out the release archive's launcher files in {@code target} (emptied first) and returns it. */
    Path releaseLayout(Path target) throws IOException {
        Files.createDirectories(target);
        Files.copy(root.resolve("bin/idleclaw"), target.resolve("idleclaw"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(target.resolve("idleclaw"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(root.resolve("bin/lib-java.sh"), target.resolve("lib-java.sh"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(jar, target.resolve("idleclaw.jar"), StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /**
     * The one command line in {@code SKILL.md}'s code blocks that starts with {@code prefix}, with {@code {baseDir}}
     * replaced by the skill folder as OpenClaw reports it to the model.
     */
    String command(String prefix) throws IOException {
        List<String> lines = Files.readAllLines(dir().resolve("SKILL.md"));
        List<String> found = new java.util.ArrayList<>();
        boolean inCode = false;
        for (String line : lines) {
            if (line.startsWith("```")) {
                inCode = !inCode;
            } else if (inCode && line.startsWith(prefix)) {
                found.add(line);
            }
        }
        if (found.size() != 1) throw new AssertionError("SKILL.md has " + found.size() + " command lines starting with " + prefix);
        return found.getFirst().replace("{baseDir}", dir().toString());
    }
}
