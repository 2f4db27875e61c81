package org.dockerera.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import javax.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

class SecureCookieTest {
    static HttpServletRequest request(boolean secure) {
        return (HttpServletRequest) Proxy.newProxyInstance(SecureCookieTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> m.getName().equals("isSecure") ? secure : null);
    }

    @Test
    void theCookieIsSecureOverHttps() {
        assertThat(Auth.sessionCookie(request(true), "abc")).endsWith("; Secure");
        assertThat(Auth.clearCookie(request(true))).endsWith("; Secure");
        assertThat(Auth.sessionCookie(request(false), "abc")).doesNotContain("Secure");
    }
}
