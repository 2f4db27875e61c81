package org.dockerera.rest.internal;

import java.io.IOException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/** A servlet that hands every request, whatever its method, to a {@link RestApi}. */
class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private transient volatile RestApi api;

    ApiServlet() {
    }

    ApiServlet(RestApi api) {
        this.api = api;
    }

    void api(RestApi api) {
        this.api = api;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        RestApi a = api;
        if (a == null) {
            resp.sendError(503);
            return;
        }
        a.handle(req, resp);
    }
}
