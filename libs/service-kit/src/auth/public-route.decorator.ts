import { RouteAccessLevel } from './route-access';

/**
 * Marks a controller or route as callable without a bearer token. Only for probes, metrics and routes that
 * authenticate otherwise (ingest takes a source's write key); everything else is protected by default.
 */
export function PublicRoute(): ClassDecorator & MethodDecorator {
  return RouteAccessLevel('public');
}
