export { ScoreServices } from "./score-services.ts";
export { scoreV3View } from "./reads/views.ts";
