package it.comune.milano.suapgw.gateway.security;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** A request body our filters have already read (checked, hashed) handed to the routes again. */
public final class BodyStreams {
    private BodyStreams() {
    }

    /** {@code in} as the servlet stream the routes read (blocking: the body is already here). */
    public static ServletInputStream servletStream(InputStream in) {
        return new ServletInputStream() {
            private boolean finished;

            @Override
            public boolean isFinished() {
                return finished;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException("the body is already read");
            }

            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b < 0) finished = true;
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n < 0) finished = true;
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /** A reader over {@code in} in the request's declared charset if we know it, else UTF-8 (a bogus name is no 500). */
    public static BufferedReader reader(HttpServletRequest request, InputStream in) {
        Charset cs = StandardCharsets.UTF_8;
        String enc = request.getCharacterEncoding();
        if (enc != null) {
            try {
                cs = Charset.forName(enc);
            } catch (IllegalArgumentException unknown) {
                cs = StandardCharsets.UTF_8;
            }
        }
        return new BufferedReader(new InputStreamReader(in, cs));
    }
}
