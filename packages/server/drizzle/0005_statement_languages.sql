ALTER TABLE "readout_versions" ADD COLUMN "language" text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE "readout_versions" ADD COLUMN "second_language" text;--> statement-breakpoint
ALTER TABLE "readout_versions" ADD COLUMN "second_text" text;--> statement-breakpoint
ALTER TABLE "joint_statements" ADD COLUMN "language" text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE "joint_statements" ADD COLUMN "second_language" text;--> statement-breakpoint
ALTER TABLE "joint_statements" ADD COLUMN "second_text" text;