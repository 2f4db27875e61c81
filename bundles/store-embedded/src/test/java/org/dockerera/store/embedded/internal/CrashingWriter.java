package org.dockerera.store.embedded.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintStream;
import java.nio.file.Path;

import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;

/**
 * Child process of the crash test: writes from several threads forever and prints {@code ack KEY VERSION} after each
 * acknowledged write, until it is killed. Never closes the store.
 */
public final class CrashingWriter {
    private CrashingWriter() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        PrintStream out = new PrintStream(System.out, false, UTF_8);
        MVConfigStore store = new MVConfigStore(file, new Options(1_000_000, 0));
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread writer = new Thread(() -> {
                byte[] value = ("value written by thread " + id).repeat(8).getBytes(UTF_8);
                for (long i = 0; ; i++) {
                    String key = "t" + id + "/" + (i % 150);
                    Entry e = store.put(key, value, ConfigStore.ANY_VERSION);
                    synchronized (out) {
                        out.println("ack " + key + " " + e.version());
                        out.flush();
                    }
                }
            }, "writer-" + t);
            writer.start();
        }
    }
}
