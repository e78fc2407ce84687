// The workerd entry (bundled by test/runtimes/workerd.test.ts): the app of ./app.mjs as a
// module worker. Bindings arrive with the first request, so the app is built then.
import { createApp } from './app.mjs';

let app;
export default {
  fetch(request, env) {
    app ??= createApp(env);
    return app.fetch(request);
  },
};
