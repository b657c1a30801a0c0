import { catalogOperations as ops } from '../../../../lib/contract';
import { backends, converters, describeBackend, findBackend } from '../../../backends/catalog';
import { listScopes } from '../../../services/scopes';
import { ApiError } from '../../errors';
import { createRoute, createRouter, type AppRouteHandler } from '../../router';

export const routes = {
	listBackends: createRoute(ops.listBackends),
	getBackend: createRoute(ops.getBackend),
	installBackend: createRoute(ops.installBackend),
	updateBackend: createRoute(ops.updateBackend),
	uninstallBackend: createRoute(ops.uninstallBackend),
	listConverters: createRoute(ops.listConverters),
	getConverter: createRoute(ops.getConverter),
	installConverter: createRoute(ops.installConverter),
	updateConverter: createRoute(ops.updateConverter),
	uninstallConverter: createRoute(ops.uninstallConverter),
	listScopes: createRoute(ops.listScopes)
};

function backendOr404(identifier: string) {
	const backend = findBackend(identifier);
	if (!backend) throw new ApiError('NotFound', `No backend "${identifier}"`);
	return backend;
}

function converterOr404(name: string) {
	const converter = converters.find((c) => c.name === name);
	if (!converter) throw new ApiError('NotFound', `No converter "${name}"`);
	return converter;
}

/** Package management needs pip and the Python agent's environment: refused, never faked. */
function notSupported(what: string): never {
	throw new ApiError(
		'NotSupported',
		`${what} needs the Python sync agent (pip in its environment); the embedded sync agent has its backends built in and cannot install, update or uninstall packages.`
	);
}

const listBackends: AppRouteHandler<typeof routes.listBackends> = (c) =>
	c.json(backends.map(describeBackend), 200);
const getBackend: AppRouteHandler<typeof routes.getBackend> = (c) =>
	c.json(describeBackend(backendOr404(c.req.valid('param').identifier)), 200);
const installBackend: AppRouteHandler<typeof routes.installBackend> = () =>
	notSupported('Installing a backend');
const updateBackend: AppRouteHandler<typeof routes.updateBackend> = (c) => {
	backendOr404(c.req.valid('param').identifier);
	return notSupported('Updating a backend');
};
const uninstallBackend: AppRouteHandler<typeof routes.uninstallBackend> = (c) => {
	backendOr404(c.req.valid('param').identifier);
	return notSupported('Uninstalling a backend');
};
const listConverters: AppRouteHandler<typeof routes.listConverters> = (c) =>
	c.json(converters, 200);
const getConverter: AppRouteHandler<typeof routes.getConverter> = (c) =>
	c.json(converterOr404(c.req.valid('param').name), 200);
const installConverter: AppRouteHandler<typeof routes.installConverter> = () =>
	notSupported('Installing a converter');
const updateConverter: AppRouteHandler<typeof routes.updateConverter> = (c) => {
	converterOr404(c.req.valid('param').name);
	return notSupported('Updating a converter');
};
const uninstallConverter: AppRouteHandler<typeof routes.uninstallConverter> = (c) => {
	converterOr404(c.req.valid('param').name);
	return notSupported('Uninstalling a converter');
};
const scopes: AppRouteHandler<typeof routes.listScopes> = (c) =>
	c.json(listScopes(c.var.deps.db), 200);

export const catalogRouter = createRouter()
	.openapi(routes.listBackends, listBackends)
	.openapi(routes.installBackend, installBackend)
	.openapi(routes.getBackend, getBackend)
	.openapi(routes.updateBackend, updateBackend)
	.openapi(routes.uninstallBackend, uninstallBackend)
	.openapi(routes.listConverters, listConverters)
	.openapi(routes.installConverter, installConverter)
	.openapi(routes.getConverter, getConverter)
	.openapi(routes.updateConverter, updateConverter)
	.openapi(routes.uninstallConverter, uninstallConverter)
	.openapi(routes.listScopes, scopes);
