/**
 * The prediction server: `serve(models, options)` over gRPC (Open Inference Protocol, KServe
 * v2) and HTTP/JSON (v2 REST, TF Serving `:predict`), with dynamic batching.
 *
 * @example
 * const server = await serve({ co2: 'models/co2' }, { grpcPort: 8001, httpPort: 8000 });
 * process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
 */
export { serve, Server, type ServerStats } from './server.js';
export type { ServeArgs, CloseArgs } from './options.js';
export type { ServableModel, ModelSource, TensorInfo } from './models.js';
export type { BatchStats } from './batcher.js';
export { ServingError, type ServingStatus } from './errors.js';
