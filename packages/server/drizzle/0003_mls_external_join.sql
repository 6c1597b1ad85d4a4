CREATE TABLE "mls_group_infos" (
	"mls_group_id" uuid PRIMARY KEY NOT NULL,
	"epoch" bigint NOT NULL,
	"group_info" "bytea" NOT NULL,
	"published_by" uuid NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mls_groups" ADD COLUMN "reestablished_from" uuid;--> statement-breakpoint
ALTER TABLE "mls_groups" ADD COLUMN "reestablished_by" uuid;--> statement-breakpoint
ALTER TABLE "mls_groups" ADD COLUMN "reestablished_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mls_group_infos" ADD CONSTRAINT "mls_group_infos_mls_group_id_mls_groups_id_fk" FOREIGN KEY ("mls_group_id") REFERENCES "public"."mls_groups"("id") ON DELETE no action ON UPDATE no action;