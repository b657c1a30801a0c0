import type { ItemPreview, PreviewPlot } from '$lib/contract';

type Heatmap = Extract<PreviewPlot, { kind: 'heatmap' }>;

/** A heat map as the item page draws it: images (data URIs) instead of the cells. */
export type HeatmapView = Omit<Heatmap, 'cells'> & { image: string; colorbar: string };

/** An item's preview as view data (made by `$lib/server/preview-image`). */
export type PreviewView = Omit<ItemPreview, 'plot'> & {
	plot: Exclude<PreviewPlot, Heatmap> | HeatmapView;
};
