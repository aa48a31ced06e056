import { RouteAccessLevel } from './route-access';

/**
 * Marks a controller or route as admin-token only, even on GET: for reads the read-only token must not see
 * (secrets). Routes without a marker already need the admin token for anything but GET and HEAD.
 */
export function AdminOnly(): ClassDecorator & MethodDecorator {
  return RouteAccessLevel('admin');
}
