package it.comune.milano.suapgw.gateway.config;

import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The embedded PEC provider's mailboxes on disk: GreenMail keeps them in memory only, so a restart dropped messages
 * already booked as sent (and the replies not read yet). Written as {@code <dir>/<address>/<folder>/<n>_<flags>.eml}
 * (flags as in Maildir: D draft, F flagged, R answered, S seen, T deleted; the file's time is the received date) —
 * at every stop and, while running, whenever the mailboxes changed; read back at start into the mailboxes of the
 * users configured then. A snapshot replaces the previous one whole (written beside it, then swapped).
 */
public final class PersistentMailboxes {
    private static final Logger log = LoggerFactory.getLogger(PersistentMailboxes.class);
    private static final Map<Character, Flags.Flag> FLAGS = Map.of('D', Flags.Flag.DRAFT, 'F', Flags.Flag.FLAGGED,
            'R', Flags.Flag.ANSWERED, 'S', Flags.Flag.SEEN, 'T', Flags.Flag.DELETED);

    private final GreenMail mail;
    private final Path dir;
    private String lastSaved = "";

    public PersistentMailboxes(GreenMail mail, Path dir) {
        this.mail = mail;
        this.dir = dir.toAbsolutePath();
    }

    /** Reads the last snapshot (if any) into the mailboxes of the users configured now. @return messages restored */
    public int restore() throws IOException {
        Path from = Files.isDirectory(dir) ? dir : sibling(".old");
        if (!Files.isDirectory(from)) return 0;
        ImapHostManager imap = mail.getManagers().getImapHostManager();
        Session session = Session.getInstance(new Properties());
        int restored = 0;
        try (Stream<Path> users = Files.list(from)) {
            for (Path userDir : users.filter(Files::isDirectory).sorted().toList()) {
                GreenMailUser user = mail.getUserManager().getUserByEmail(userDir.getFileName().toString());
                if (user == null) {
                    log.warn("Embedded mail server: mailbox {} is no longer configured, its saved messages are not restored", userDir.getFileName());
                    continue;
                }
                try (Stream<Path> folders = Files.list(userDir)) {
                    for (Path folderDir : folders.filter(Files::isDirectory).sorted().toList()) {
                        MailFolder folder = folder(imap, user, folderDir.getFileName().toString());
                        try (Stream<Path> files = Files.list(folderDir)) {
                            for (Path eml : files.filter(f -> f.getFileName().toString().endsWith(".eml")).sorted().toList()) {
                                try (InputStream in = Files.newInputStream(eml)) {
                                    folder.appendMessage(new MimeMessage(session, in), flags(eml),
                                            new Date(Files.getLastModifiedTime(eml).toMillis()));
                                    restored++;
                                }
                            }
                        }
                    }
                }
            }
        } catch (MessagingException | FolderException | com.icegreen.greenmail.imap.AuthorizationException e) {
            throw new IOException("cannot restore the mailboxes from " + from + ": " + e.getMessage(), e);
        }
        lastSaved = fingerprint();
        return restored;
    }

    /** Writes a snapshot if the mailboxes changed since the last one. @return whether one was written */
    public synchronized boolean save() throws IOException {
        String now = fingerprint();
        if (now.equals(lastSaved) && Files.isDirectory(dir)) return false;
        Path next = sibling(".next");
        delete(next);
        try {
            for (GreenMailUser user : mail.getUserManager().listUser()) {
                for (MailFolder folder : mail.getManagers().getImapHostManager().listMailboxes(user, "*")) {
                    Path folderDir = next.resolve(user.getEmail()).resolve(relativeName(user, folder));
                    Files.createDirectories(folderDir);
                    int n = 0;
                    for (StoredMessage m : List.copyOf(folder.getMessages())) {
                        Path eml = folderDir.resolve("%06d_%s.eml".formatted(++n, letters(m.getFlags())));
                        try (OutputStream out = Files.newOutputStream(eml)) {
                            m.getMimeMessage().writeTo(out);
                        }
                        Files.setLastModifiedTime(eml, FileTime.fromMillis(m.getReceivedDate().getTime()));
                    }
                }
            }
        } catch (MessagingException | FolderException e) {
            throw new IOException("cannot save the mailboxes to " + next + ": " + e.getMessage(), e);
        }
        Path old = sibling(".old");
        delete(old);
        if (Files.exists(dir)) Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(next, dir, StandardCopyOption.ATOMIC_MOVE);
        delete(old);
        lastSaved = now;
        return true;
    }

    /** What a snapshot would hold, in short: per folder its messages' uids and flags. */
    private String fingerprint() {
        StringBuilder b = new StringBuilder();
        try {
            for (GreenMailUser user : mail.getUserManager().listUser()) {
                for (MailFolder folder : mail.getManagers().getImapHostManager().listMailboxes(user, "*")) {
                    b.append(user.getEmail()).append('/').append(folder.getFullName()).append(':');
                    for (StoredMessage m : List.copyOf(folder.getMessages())) b.append(m.getUid()).append(letters(m.getFlags())).append(',');
                    b.append(';');
                }
            }
        } catch (FolderException e) {
            throw new IllegalStateException(e);
        }
        return b.toString();
    }

    private static MailFolder folder(ImapHostManager imap, GreenMailUser user, String name)
            throws FolderException, com.icegreen.greenmail.imap.AuthorizationException {
        if ("INBOX".equalsIgnoreCase(name)) return imap.getInbox(user);
        MailFolder f = imap.getFolder(user, name);
        return f != null ? f : imap.createMailbox(user, name);
    }

    /** The folder's name below the user's namespace ({@code #mail.<user>.INBOX} -> {@code INBOX}). */
    private static String relativeName(GreenMailUser user, MailFolder folder) {
        String full = folder.getFullName();
        String prefix = "#mail." + user.getQualifiedMailboxName() + ".";
        return full.startsWith(prefix) ? full.substring(prefix.length()) : folder.getName();
    }

    static String letters(Flags flags) {
        StringBuilder b = new StringBuilder();
        FLAGS.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .filter(e -> flags.contains(e.getValue())).forEach(e -> b.append(e.getKey()));
        return b.toString();
    }

    static Flags flags(Path eml) {
        String name = eml.getFileName().toString();
        String letters = name.substring(name.indexOf('_') + 1, name.length() - ".eml".length());
        Flags f = new Flags();
        for (char c : letters.toCharArray()) if (FLAGS.containsKey(c)) f.add(FLAGS.get(c));
        return f;
    }

    private Path sibling(String suffix) {
        return dir.resolveSibling(dir.getFileName() + suffix);
    }

    private static void delete(Path tree) throws IOException {
        if (!Files.exists(tree)) return;
        Files.walkFileTree(tree, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) throw new UncheckedIOException(e);
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
