import { backends, describeBackend, findBackend } from '../../../backends/catalog';
import { converters, describeConverter, findConverter } from '../../../converters/catalog';
import { converterUsage } from '../../../services/sync-records';
import * as scopes from '../../../services/scopes';
import { ContractError } from '../../../services/contract-error';
import type { AppRouteHandler } from '../../router';
import type { routes } from './catalog.routes';

function backendOr404(identifier: string) {
	const backend = findBackend(identifier);
	if (!backend) throw new ContractError('NotFound', `No backend "${identifier}"`);
	return backend;
}

function converterOr404(name: string) {
	const converter = findConverter(name);
	if (!converter) throw new ContractError('NotFound', `No converter "${name}"`);
	return describeConverter(converter);
}

/** Package management needs pip and the Python agent's environment: refused, never faked. */
function notSupported(what: string): never {
	throw new ContractError(
		'NotSupported',
		`${what} needs the Python sync agent (pip in its environment); the embedded sync agent has its backends built in and cannot install, update or uninstall packages.`
	);
}

export const listBackends: AppRouteHandler<typeof routes.listBackends> = (c) =>
	c.json(backends.map(describeBackend), 200);
export const getBackend: AppRouteHandler<typeof routes.getBackend> = (c) =>
	c.json(describeBackend(backendOr404(c.req.valid('param').identifier)), 200);
export const installBackend: AppRouteHandler<typeof routes.installBackend> = () =>
	notSupported('Installing a backend');
export const updateBackend: AppRouteHandler<typeof routes.updateBackend> = (c) => {
	backendOr404(c.req.valid('param').identifier);
	return notSupported('Updating a backend');
};
export const uninstallBackend: AppRouteHandler<typeof routes.uninstallBackend> = (c) => {
	backendOr404(c.req.valid('param').identifier);
	return notSupported('Uninstalling a backend');
};
export const listConverters: AppRouteHandler<typeof routes.listConverters> = (c) =>
	c.json(converters.map(describeConverter), 200);
export const getConverter: AppRouteHandler<typeof routes.getConverter> = (c) =>
	c.json(converterOr404(c.req.valid('param').name), 200);
export const installConverter: AppRouteHandler<typeof routes.installConverter> = () =>
	notSupported('Installing a converter');
export const updateConverter: AppRouteHandler<typeof routes.updateConverter> = (c) => {
	converterOr404(c.req.valid('param').name);
	return notSupported('Updating a converter');
};
export const uninstallConverter: AppRouteHandler<typeof routes.uninstallConverter> = (c) => {
	converterOr404(c.req.valid('param').name);
	return notSupported('Uninstalling a converter');
};
export const getConverterUsage: AppRouteHandler<typeof routes.getConverterUsage> = (c) => {
	const { name } = converterOr404(c.req.valid('param').name);
	return c.json(converterUsage(c.var.deps.db, name), 200);
};
export const listScopes: AppRouteHandler<typeof routes.listScopes> = (c) =>
	c.json(scopes.listScopes(c.var.deps.db), 200);
